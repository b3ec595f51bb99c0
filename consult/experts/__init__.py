"""Expert consultation: the expert pool (专家咨询库), invitations to review a plan or a reform task, the experts' own space, the 专家论证 report and expert evaluation of reform results (会诊评估)."""
