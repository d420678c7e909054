"""Surveys of firms and municipalities (issue #13): questionnaires as data, invitations,
responses with free texts kept apart, LimeSurvey import/export, synthetic responses."""
