"""Backups: the documented procedure (docs/operations.md) restores every record and
every uploaded file. The database is dumped with `pg_dump -Fc`, restored with
`pg_restore` into a new empty database, and compared row by row; MEDIA_ROOT is
archived with `tar` and unpacked elsewhere, and compared byte by byte."""

import hashlib
import shutil
import subprocess
import tarfile
from pathlib import Path

import psycopg2
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from core.models import Membership, MembershipEvent, Role, Unit, UnitEvent
from tests.factories import MembershipFactory, UnitFactory, UserFactory

TABLES = {
    "core_unit": Unit,
    "core_membership": Membership,
    "core_unitevent": UnitEvent,
    "core_membershipevent": MembershipEvent,
}


def pg_args(settings_dict: dict) -> list[str]:
    args = ["-h", settings_dict["HOST"] or "127.0.0.1", "-U", settings_dict["USER"] or "postgres"]
    if settings_dict["PORT"]:
        args += ["-p", str(settings_dict["PORT"])]
    return args


def rows(conn, table: str) -> list[str]:
    """Every row, whole, as PostgreSQL's own JSON text (the same on both connections)."""
    with conn.cursor() as cursor:
        cursor.execute(f"SELECT row_to_json(t)::text FROM {table} t ORDER BY id")  # noqa: S608 - constant names
        return [row[0] for row in cursor.fetchall()]


def server_connection(settings_dict: dict, dbname: str):
    conn = psycopg2.connect(
        dbname=dbname,
        host=settings_dict["HOST"] or "127.0.0.1",
        port=settings_dict["PORT"] or 5432,
        user=settings_dict["USER"] or "postgres",
        password=settings_dict["PASSWORD"] or None,
    )
    conn.autocommit = True
    return conn


@pytest.fixture
def some_records(city):
    """Units, people, their events, and an uploaded file, committed (pg_dump only sees committed data)."""
    communes = [UnitFactory(code=f"9{i:04d}", name=f"Xã Sao Lưu {i}", parent=city) for i in range(20)]
    for i, unit in enumerate(communes):
        user = UserFactory(username=f"saoluu{i}", last_name="Trần Thị Ánh")
        MembershipFactory(user=user, unit=unit, role=Role.OFFICER)
        UnitEvent.objects.create(unit=unit, kind=UnitEvent.Kind.IMPORTED, data={"ghi chú": "khôi phục"}, reason="đợt 1")
        MembershipEvent.objects.create(user=user, unit=unit, role=Role.OFFICER, kind="granted", ip_address="10.1.2.3")
    name = default_storage.save("backup-test/đơn-kiến-nghị.pdf", ContentFile(b"%PDF-1.7\n" + bytes(range(256)) * 40))
    yield name
    default_storage.delete(name)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_dump_restores_into_an_empty_database_with_every_record_and_file(some_records, settings, tmp_path):
    pg_dump, pg_restore = shutil.which("pg_dump") or "/usr/bin/pg_dump", shutil.which("pg_restore")
    pg_restore = pg_restore or "/usr/bin/pg_restore"
    source = connection.settings_dict
    restored_name = f"{source['NAME']}_restore"
    dump = tmp_path / "civicdesk.dump"

    # 1. Back up: the database (custom format) and the uploaded files.
    subprocess.run([pg_dump, "-Fc", "--no-owner", *pg_args(source), "-f", str(dump), source["NAME"]], check=True)
    media_archive = tmp_path / "media.tar.gz"
    subprocess.run(["tar", "-czf", str(media_archive), "-C", str(settings.MEDIA_ROOT), "."], check=True)

    # 2. Restore into a fresh, empty database and a fresh media directory.
    admin = server_connection(source, "postgres")
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{restored_name}"')
            cursor.execute(f'CREATE DATABASE "{restored_name}"')
        subprocess.run(
            [pg_restore, "--no-owner", "--exit-on-error", *pg_args(source), "-d", restored_name, str(dump)],
            check=True,
        )
        restored_media = tmp_path / "media"
        restored_media.mkdir()
        subprocess.run(["tar", "-xzf", str(media_archive), "-C", str(restored_media)], check=True)

        # 3. Every row of every table is there, identical; so is the file.
        restored = server_connection(source, restored_name)
        try:
            for table, model in TABLES.items():
                original = rows(connection.connection, table)
                assert len(original) == model.objects.count() >= 20
                assert rows(restored, table) == original, table
            # The restored audit tables are append-only too.
            with pytest.raises(psycopg2.Error, match="append-only"), restored.cursor() as cursor:
                cursor.execute("DELETE FROM core_unitevent")
        finally:
            restored.close()
        original_file = Path(settings.MEDIA_ROOT) / some_records
        copy = restored_media / some_records
        assert hashlib.sha256(copy.read_bytes()).hexdigest() == hashlib.sha256(original_file.read_bytes()).hexdigest()
        with tarfile.open(media_archive) as archive:
            assert f"./{some_records}" in archive.getnames()
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{restored_name}" WITH (FORCE)')
        admin.close()
