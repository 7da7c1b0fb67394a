"""Accounts: users, roles and password hashing (argon2). No client data ever lives here."""

from ceatlas.accounts.errors import AccountError
from ceatlas.accounts.models import Role, TherapistProfile, User
from ceatlas.accounts.service import Accounts

__all__ = ["AccountError", "Accounts", "Role", "TherapistProfile", "User"]
