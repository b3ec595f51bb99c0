"""Public discussion boards: a board per plan and standing boards by reform domain."""
