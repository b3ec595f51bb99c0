"""The audit log in words: action codes and detail keys as staff read them (the codes stay in the data)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

ACTIONS = {
    "audit.export": _l("导出操作日志"), "comment.approve": _l("审核通过意见"), "comment.reject": _l("审核不通过意见"),
    "comment.correct_clause": _l("更正意见所属条款"), "comments.import": _l("导入意见"), "department.create": _l("新建部门"),
    "department.rename": _l("部门改名"), "dictionary.add": _l("添加分词词语"), "dictionary.remove": _l("删除分词词语"),
    "digest.build": _l("生成意见摘要"), "digest.export": _l("导出意见摘要"), "feedback.publish": _l("公布采纳情况反馈"),
    "hearing.cancel_seat": _l("取消听证座位"), "hearing.draw": _l("听证会公开抽签"), "hearing.publish_minutes": _l("公布听证笔录"),
    "hearing.schedule": _l("安排听证会"), "personal.reveal": _l("查看未脱敏原文"), "plan.create": _l("新建方案"),
    "plan.edit": _l("修改方案"), "plan.merge_clause": _l("合并条款"), "plan.new_version": _l("发布新版本"), "plan.publish": _l("发布方案"),
    "response.export_sheet": _l("下载答复表"), "response.import": _l("导入答复"), "response.reply": _l("答复意见"),
    "response.cluster": _l("按问题答复意见"), "sensitive_word.add": _l("添加敏感词"), "sensitive_word.remove": _l("删除敏感词"),
    "suggestion.assign": _l("分派建议"), "suggestion.digest": _l("生成建议摘要"), "suggestion.reply": _l("答复建议"),
    "survey.create": _l("新建问卷"), "survey.digest": _l("生成问卷文字摘要"), "survey.edit": _l("修改问卷"), "survey.export": _l("导出问卷数据"),
    "survey.invitations": _l("生成问卷邀请链接"), "survey.publish": _l("发布问卷"), "template.create": _l("新建答复模板"),
    "template.delete": _l("删除答复模板"), "ticket.callback": _l("记录回访"), "ticket.close": _l("办结工单"), "user.role": _l("修改账号角色"),
    "forum.board.close": _l("关闭讨论区"), "forum.board.open": _l("开放讨论区"), "forum.flags.keep": _l("举报复核：保留"),
    "forum.flags.remove": _l("举报复核：删除"), "forum.post.hide": _l("隐藏帖子"), "forum.post.unhide": _l("恢复帖子"),
    "forum.post.auto_hide": _l("多人举报自动隐藏帖子"), "forum.thread.merge": _l("合并主题"), "forum.thread.pin": _l("置顶主题"),
    "forum.thread.unpin": _l("取消置顶"), "forum.thread.lock": _l("锁定主题"), "forum.thread.unlock": _l("解除锁定"),
    "forum.thread.hide": _l("隐藏主题"), "forum.thread.unhide": _l("恢复主题"),
    "api_token.create": _l("新建接口令牌"), "api_token.revoke": _l("吊销接口令牌"), "decision.save": _l("保存决策环节"),
    "decision.document_delete": _l("删除决策环节文件"), "evaluation.assign": _l("分派第三方评估"), "evaluation.import": _l("导入第三方评估"),
    "evaluation.indicator": _l("保存评估指标"), "evaluation.indicator_delete": _l("删除评估指标"), "evaluation.manual_score": _l("录入人工评分"),
    "evaluation.report": _l("上传评估报告"), "evaluation.accept": _l("采信第三方评估"), "evaluation.submit": _l("提交第三方评估"),
    "evaluation.publish": _l("公开评估结果"), "evaluation.annual_export": _l("导出年度评估报告"),
    "expert.create": _l("新增专家"), "expert.update": _l("修改专家信息"), "expert.conflict_add": _l("登记利益冲突"),
    "expert.conflict_remove": _l("删除利益冲突"), "expert.invite": _l("邀请专家"), "expert.withdraw": _l("撤回专家邀请"),
    "expert.accept": _l("专家答复邀请"), "expert.opinion": _l("专家提出论证意见"), "expert.opinion_edit": _l("专家修改论证意见"),
    "expert.opinion_withdraw": _l("专家撤回论证意见"), "expert.conclusion": _l("专家填写论证结论"), "expert.score": _l("专家评分"),
    "ledger.task_create": _l("新建改革任务"), "ledger.task_update": _l("修改改革任务"), "ledger.import": _l("导入改革台帐"),
    "ledger.milestone": _l("修改任务节点"), "ledger.link_opinions": _l("意见转为改革任务"), "ledger.report_submit": _l("报送任务进展"),
    "ledger.report_review": _l("审核任务进展"), "ledger.supervision": _l("登记督察"), "ledger.supervision_close": _l("督察整改销号"),
}
TARGETS = {
    "plan": _l("方案"), "comment": _l("意见"), "suggestion": _l("建议"), "survey": _l("问卷"), "user": _l("账号"), "department": _l("部门"),
    "hearing": _l("听证会"), "answer_template": _l("答复模板"), "service_ticket": _l("工单"), "audit_entry": _l("操作日志"),
    "digest": _l("摘要"), "sensitive_word": _l("敏感词"), "forum_post": _l("帖子"), "forum_thread": _l("主题"), "forum_board": _l("讨论区"),
    "api_token": _l("接口令牌"), "expert": _l("专家"), "expert_invitation": _l("专家邀请"), "hearing_application": _l("听证报名"),
    "import_batch": _l("导入批次"), "indicator": _l("评估指标"), "reform_task": _l("改革任务"),
    "third_party_evaluation": _l("第三方评估"), "user_word": _l("分词词语"),
}
KEYS = {
    "status": _l("处理结果"), "count": _l("条数"), "cluster": _l("问题编号"), "comment_ids": _l("意见编号"), "skipped": _l("跳过已答复"),
    "reason": _l("理由"), "plan_id": _l("方案编号"), "title": _l("标题"), "filename": _l("文件"), "rows": _l("行数"), "format": _l("格式"),
    "kind": _l("类型"), "words": _l("词语"), "word": _l("词语"), "old_role": _l("原角色"), "new_role": _l("新角色"),
    "old_department_id": _l("原部门"), "new_department_id": _l("新部门"), "filters": _l("筛选条件"), "name": _l("名称"),
    "applicants": _l("报名人数"), "seed": _l("抽签种子"), "selected": _l("入选"), "batch": _l("批次"), "commitment": _l("承诺值"),
    "seats": _l("座位"), "waiting": _l("候补"), "public_value": _l("公开数值"),
    "accepted": _l("接受"), "active": _l("启用"), "after": _l("修改后"), "before": _l("修改前"), "channel": _l("渠道"),
    "clause_id": _l("条款编号"), "conflict_id": _l("利益冲突编号"), "conflict_override": _l("利益冲突仍邀请的理由"),
    "created": _l("新增"), "document": _l("文件"), "done": _l("完成"), "evaluator_id": _l("评估方账号"), "expert_id": _l("专家编号"),
    "expires_at": _l("有效期至"), "external_id": _l("外部编号"), "fields": _l("领域"), "file": _l("文件"), "hearing_id": _l("听证会编号"),
    "invitation_id": _l("邀请编号"), "milestone": _l("节点"), "new": _l("新值"), "notified": _l("已通知"), "old": _l("原值"),
    "parts": _l("部分"), "progress": _l("进度"), "record": _l("记录"), "report": _l("报告"), "scope": _l("范围"),
    "scope_key": _l("范围"), "scopes": _l("权限范围"), "seed_commitment": _l("种子承诺值"), "size": _l("大小"), "sources": _l("渠道"),
    "task_id": _l("任务编号"), "token_id": _l("令牌编号"), "total": _l("合计"), "tracking_number": _l("查询码"), "updated": _l("更新"),
    "value": _l("数值"), "version": _l("版本"), "via": _l("途径"), "weight": _l("权重"), "year": _l("年度"),
}
VALUES = {
    "adopted": _l("采纳"), "partly": _l("部分采纳"), "not_adopted": _l("未采纳"), "covered": _l("现行规定已有"),
    "citizen": _l("公众"), "department": _l("部门工作人员"), "staff": _l("改革办工作人员"), "admin": _l("管理员"),
    "expert": _l("专家"), "evaluator": _l("第三方评估"), "raw": _l("原始答卷"), "aggregate": _l("统计"),
}


def action_label(code: str) -> str:
    return str(ACTIONS.get(code, code))


def target_label(code: str) -> str:
    return str(TARGETS.get(code, code))


def _value(value: Any) -> str:
    if isinstance(value, list):
        shown = "、".join(_value(v) for v in value[:10])
        return shown + (f" 等 {len(value)} 项" if len(value) > 10 else "")
    if isinstance(value, dict):
        return "；".join(f"{k}：{_value(v)}" for k, v in value.items())
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(VALUES.get(value, value)) if isinstance(value, str) else str(value)


def detail_parts(detail: dict[str, Any] | None) -> list[tuple[str, str]]:
    """(label, value) pairs, leaving out empty values (``cluster=None`` says nothing to a reader)."""
    if not detail:
        return []
    return [(str(KEYS.get(k, k)), _value(v)) for k, v in detail.items() if v not in (None, "", [], {})]
