"""Surveys as a channel: free-text answers of a survey tied to a plan are mirrored into its opinions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from consult.core.channels import Channel, Hiding, register

SURVEY = register(Channel("survey", _l("问卷"), order=70, public=False, hiding=Hiding.ORIGIN, origins=("survey_answer",)))
