from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from evidencehub.core.permissions import Role
from evidencehub.core.validation import ISO_3166_ALPHA2

COUNTRY_CHOICES = [(code, code) for code in sorted(ISO_3166_ALPHA2)]
slug_validator = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    _("Use lower-case letters, digits and single hyphens."),
)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(
        self, email: str, password: str | None = None, **extra: Any
    ) -> User:
        if not email:
            raise ValueError("email: an e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> User:
        """E-mail addresses sign in whatever their case."""
        return self.get(email__iexact=(username or "").strip())

    def create_superuser(
        self, email: str, password: str | None = None, **extra: Any
    ) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A staff member of an organisation, an evaluator or a platform admin.
    Service users never have accounts."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()  # type: ignore[assignment,misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("short name"), max_length=60, unique=True, validators=[slug_validator]
    )
    country = models.CharField(_("country"), max_length=2, choices=COUNTRY_CHOICES)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class RoleChoices(models.TextChoices):
        ADMIN = Role.ADMIN.value, _("Organisation admin")
        ANALYST = Role.ANALYST.value, _("Analyst")
        STAFF = Role.STAFF.value, _("Staff (data entry)")
        VIEWER = Role.VIEWER.value, _("Viewer")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=RoleChoices.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="one_membership_per_organisation"
            )
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.role})"


class Consortium(models.Model):
    """A group of organisations evaluated together. Its evaluators see the
    consortium's members, and only protected aggregates of their data."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    organisations = models.ManyToManyField(
        Organisation, related_name="consortia", blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("consortium")
        verbose_name_plural = _("consortia")

    def __str__(self) -> str:
        return self.name


class ConsortiumMembership(models.Model):
    class RoleChoices(models.TextChoices):
        EVALUATOR = "evaluator", _("Evaluator")

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="consortium_memberships"
    )
    consortium = models.ForeignKey(
        Consortium, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        _("role"), max_length=20, choices=RoleChoices.choices, default="evaluator"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "consortium"], name="one_membership_per_consortium"
            )
        ]
        verbose_name = _("consortium membership")
        verbose_name_plural = _("consortium memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.consortium} ({self.role})"
