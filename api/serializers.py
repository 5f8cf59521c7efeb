"""What the API shows of each record. Never a denouncer's identity, an identity document
number, a tracking secret or a lookup PIN: tests/api/test_no_personal_data.py walks every
serializer here and fails on such a field."""

from __future__ import annotations

from rest_framework import serializers

from adminreform.models import Procedure, ProcedureDocument
from core.models import Unit


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
