"""What the API shows of each record. Never a denouncer's identity, an identity document
number, a tracking secret or a lookup PIN: tests/api/test_no_personal_data.py walks every
serializer here and fails on such a field."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from adminreform.models import Dossier, DossierEvent, Procedure, ProcedureDocument
from core.choices import PetitionKind
from core.models import Unit
from petitions.models import Petition
from reception.models import ReceptionSession
from reports.models import CompiledReport


class UnitSerializer(serializers.ModelSerializer[Unit]):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Unit
        fields = ("code", "name", "level", "kind", "parent", "path", "valid_from", "valid_to")


class ProcedureDocumentSerializer(serializers.ModelSerializer[ProcedureDocument]):
    class Meta:
        model = ProcedureDocument
        fields = ("position", "name", "copies", "mandatory")


class ProcedureSerializer(serializers.ModelSerializer[Procedure]):
    documents = ProcedureDocumentSerializer(many=True, read_only=True)

    class Meta:
        model = Procedure
        fields = (
            "code",
            "name",
            "field",
            "level",
            "processing_days",
            "online_service",
            "fee",
            "fee_note",
            "valid_from",
            "valid_to",
            "documents",
        )


# --- the reception schedule ------------------------------------------------------------------


class ScheduleSerializer(serializers.ModelSerializer[ReceptionSession]):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ReceptionSession
        fields = ("unit", "kind", "date", "start_time", "end_time", "place", "receiver_title", "topics")


# --- petitions -------------------------------------------------------------------------------


class PetitionFileSerializer(serializers.Serializer[Any]):
    """The online filing: the same fields and rules as the web form (petitions.forms.
    PetitionFileForm, which checks them); files as multipart `attachments`."""

    unit = serializers.CharField(help_text="The receiving unit's code.")
    kind = serializers.ChoiceField(choices=PetitionKind.choices)
    petitioner_name = serializers.CharField(max_length=200)
    petitioner_id_number = serializers.CharField(max_length=20, required=False, allow_blank=True)
    petitioner_address = serializers.CharField(max_length=300)
    petitioner_phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    petitioner_email = serializers.EmailField(required=False, allow_blank=True)
    subject = serializers.CharField(max_length=300)
    respondent = serializers.CharField(max_length=300, required=False, allow_blank=True)
    decision_known_on = serializers.DateField(required=False, allow_null=True)
    content = serializers.CharField()
    signers = serializers.IntegerField(min_value=1, max_value=10000, default=1)
    consent = serializers.BooleanField(help_text="The petitioner agreed to the processing of the data (Law 91/2025).")
    idempotency_key = serializers.UUIDField(help_text="A new UUID per petition: a repeated request files it once.")
    attachments = serializers.ListField(child=serializers.FileField(), required=False)


class PetitionFiledSerializer(serializers.Serializer[Any]):
    tracking_code = serializers.CharField()
    tracking_secret = serializers.CharField(help_text="Shown once: the petitioner needs it to follow the petition.")
    received_on = serializers.DateField()


class TrackRequestSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(max_length=40)
    secret = serializers.CharField(max_length=100)


class PublicStepSerializer(serializers.Serializer[Any]):
    on = serializers.DateField()
    text = serializers.CharField()


class PetitionTrackingSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    kind = serializers.CharField()
    received_on = serializers.DateField()
    status = serializers.CharField()
    step = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)
    timeline = PublicStepSerializer(many=True)


class PetitionSerializer(serializers.ModelSerializer[Petition]):
    """A petition as staff and systems in its scope see it: its register entry and its
    progress. No petitioner's identity or contact data (for a denunciation there is none to
    show; for the others, officials read it in CivicDesk itself)."""

    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Petition
        fields = (
            "id",
            "ref",
            "unit",
            "kind",
            "channel",
            "status",
            "received_on",
            "subject",
            "signers",
            "anonymous",
            "step",
            "due_on",
            "outcome",
            "result",
            "resolved_on",
            "tracking_code",
            "version",
        )


# --- dossiers --------------------------------------------------------------------------------


class DossierCreateSerializer(serializers.Serializer[Any]):
    """An online dossier handed over by another system (the public-service portal)."""

    unit = serializers.CharField(help_text="The receiving unit's code.")
    procedure = serializers.CharField(help_text="The procedure's code in the catalogue.")
    applicant_name = serializers.CharField(max_length=200)
    applicant_phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    applicant_email = serializers.EmailField(required=False, allow_blank=True)
    applicant_address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    applicant_id_number = serializers.CharField(max_length=20, required=False, allow_blank=True)
    documents = serializers.ListField(
        child=serializers.IntegerField(min_value=0),
        help_text="The positions (in the procedure's `documents`) of the documents received.",
    )
    external_id = serializers.CharField(
        max_length=100, help_text="The sending system's own id of the dossier: the same id twice files it once."
    )


class DossierSerializer(serializers.ModelSerializer[Dossier]):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    handling_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    procedure = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Dossier
        fields = (
            "ref",
            "unit",
            "handling_unit",
            "procedure",
            "channel",
            "status",
            "received_on",
            "due_on",
            "apology_new_due_on",
            "resolved_on",
            "outcome",
            "version",
        )


class DossierEventSerializer(serializers.ModelSerializer[DossierEvent]):
    class Meta:
        model = DossierEvent
        fields = ("occurred_at", "kind", "from_status", "to_status")


# --- reports ---------------------------------------------------------------------------------


class ReportSerializer(serializers.ModelSerializer[CompiledReport]):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = CompiledReport
        fields = ("id", "unit", "period_from", "period_to", "kind", "convention", "version", "status", "compiled_at")


class ReportFiguresSerializer(ReportSerializer):
    figures = serializers.JSONField(help_text="The compiled report: the JSON of CONTRACTS.md (docs/reports.md).")

    class Meta(ReportSerializer.Meta):
        fields = (*ReportSerializer.Meta.fields, "figures")
