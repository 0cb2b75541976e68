"""Password rules shared by the change-password page and the CLI; messages in both languages."""

from __future__ import annotations

MIN_LENGTH = 10


def password_problems(username: str, new: str, confirm: str | None = None) -> list[dict[str, str]]:
    problems = []
    if len(new) < MIN_LENGTH:
        problems.append({"zh": f"新密码至少 {MIN_LENGTH} 个字符", "en": f"The new password needs at least {MIN_LENGTH} characters"})
    if new.strip().lower() == username.strip().lower():
        problems.append({"zh": "密码不能与用户名相同", "en": "The password may not be the username"})
    if confirm is not None and new != confirm:
        problems.append({"zh": "两次输入的新密码不一致", "en": "The two new passwords differ"})
    return problems
