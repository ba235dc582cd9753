"""All-or-nothing import of a case table into the database."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

import pandas as pd
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from ...errors import Problem, ValidationError
from ...framework import PROFILE_ID_COLUMNS, Framework
from .. import audit
from ..models import Case, ImportBatch, Inspection, Provider
from ..models._case import PROFILE_FIELDS
from ..models._people import provider_key

BATCH_SIZE = 2000
# PostgreSQL advisory-lock key taken by every import (and sample draw) for the length of
# its transaction, so two imports run one after the other: the second then sees the
# first's cases and providers, and refuses duplicates with a problem, not a crash.
IMPORT_LOCK_KEY = 1_413_001


def lock_case_writes() -> None:
    """Serialise writers of new cases and providers (call inside ``transaction.atomic``).

    PostgreSQL: a transaction-scoped advisory lock. SQLite serialises every write
    transaction already. The database's unique constraint on (framework, case id) stays
    the last line of defence either way.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])


@dataclass(frozen=True)
class ImportSummary:
    """What an import stored."""

    batch_id: int
    source: str
    framework: str
    n_cases: int
    inspections: tuple[str, ...]
    inspections_created: tuple[str, ...]
    providers_created: tuple[str, ...]
    seconds: float

    def __str__(self) -> str:
        n_insp = len(self.inspections)
        return (
            f"Imported {self.n_cases:,} case{'s' if self.n_cases != 1 else ''} from {self.source} into "
            f"{n_insp} inspection{'s' if n_insp != 1 else ''} ({len(self.inspections_created)} new; "
            f"{len(self.providers_created)} new provider{'s' if len(self.providers_created) != 1 else ''}) "
            f"under framework {self.framework} [import batch {self.batch_id}, {self.seconds:.1f} s]."
        )


def import_cases(
    frame: pd.DataFrame,
    framework: Framework,
    *,
    source: str,
    user=None,
    status: str | None = None,
    inspection: Inspection | None = None,
) -> ImportSummary:
    """Store a validated case table, all or nothing.

    Parameters
    ----------
    frame : pandas.DataFrame
        Cases in the interchange format as :func:`caseinspect.cases.read_case_file`
        returns them (strings, ``""`` for empty, indexed by file row number).
    framework : Framework
        The framework the cases were recorded under.
    source : str
        Where the cases came from (file name); named in problems and the import batch.
    user : User, optional
        The acting user (``None`` for the command line); recorded in the audit trail.
    status : str, optional
        Status of every stored case. Default: ``accepted`` for a row holding any answer
        (a finished assessment), ``allocated`` (not started) for a row with none.
    inspection : Inspection, optional
        When given (the web upload into one inspection), every row must name it.

    Returns
    -------
    ImportSummary

    Raises
    ------
    caseinspect.errors.ValidationError
        If the core validator finds problems, a case id is already stored for the same
        framework round (rule ``duplicate-in-database``), or a row contradicts a stored
        provider or inspection. Nothing is written.
    """
    from ...cases import validate_cases

    started = time.perf_counter()
    problems = validate_cases(frame, framework, source=source)
    if problems:
        raise ValidationError(problems)
    frame = frame.astype(object).where(frame.notna(), "")
    rows = _row_numbers(frame)

    try:
        with transaction.atomic():
            batch, cases, codes, new_inspections, new_providers = _store(
                frame, framework, rows, source, user, status, inspection
            )
    except IntegrityError as exc:
        # Only reachable if something bypassed the lock (another program writing directly).
        raise ValidationError(
            [
                Problem(
                    source,
                    None,
                    "case_id",
                    None,
                    "stored-concurrently",
                    "some of these cases or providers were stored by someone else while this "
                    "import ran; nothing was imported: run the import again to see which",
                )
            ]
        ) from exc
    return ImportSummary(
        batch_id=batch.pk,
        source=source,
        framework=f"{framework.id} {framework.version}",
        n_cases=len(cases),
        inspections=codes,
        inspections_created=tuple(sorted(i.code for i in new_inspections)),
        providers_created=tuple(sorted(p.name for p in new_providers)),
        seconds=time.perf_counter() - started,
    )


def _store(frame, framework, rows, source, user, status, inspection):
    from ...cases import fingerprint_cases

    lock_case_writes()
    problems = []
    providers, new_providers = _providers(frame, rows, source, problems)
    if any(p.rule == "provider-near-duplicate" for p in problems):
        raise ValidationError(problems)  # inspections cannot be checked against a missing provider
    inspections, new_inspections = _inspections(
        frame, rows, framework, providers, source, problems, user, inspection
    )
    problems += _duplicates(frame, rows, framework, source)
    if problems:
        raise ValidationError(problems)
    batch = ImportBatch.objects.create(
        created_by=user if user is not None and user.is_authenticated else None,
        source=source[:500],
        framework_id=framework.id,
        framework_version=framework.version,
        n_rows=len(frame),
        fingerprint=fingerprint_cases(frame),
    )
    cases = _case_rows(frame, framework, inspections, providers, batch, status)
    _insert(cases)
    for provider in new_providers:
        audit.record(
            user,
            "create",
            provider,
            after={"name": provider.name, "provider_type": provider.provider_type},
        )
    for insp in new_inspections:
        audit.record(user, "create", insp, after=_inspection_state(insp))
    codes = tuple(sorted(inspections))
    per_inspection = frame["inspection_id"].value_counts().to_dict()
    for code in codes:
        audit.record(
            user,
            "import",
            batch,
            inspection=inspections[code],
            after={
                "source": source,
                "cases": int(per_inspection.get(code, 0)),
                "batch": batch.pk,
                "fingerprint": batch.fingerprint,
                "framework": framework.id,
                "framework_version": framework.version,
            },
        )
    if not codes:
        audit.record(user, "import", batch, after={"source": source, "cases": 0, "batch": batch.pk})
    return batch, cases, codes, new_inspections, new_providers


def _row_numbers(frame: pd.DataFrame) -> list:
    index = frame.index
    if pd.api.types.is_integer_dtype(index):
        return [int(i) for i in index]
    return list(range(2, len(frame) + 2))  # as a spreadsheet numbers them


def _first_rows(values: pd.Series, rows: list) -> dict[str, object]:
    first: dict[str, object] = {}
    for value, row in zip(values.tolist(), rows, strict=True):
        first.setdefault(value, row)
    return first


def _providers(frame, rows, source, problems):
    pairs = frame[["provider", "provider_type"]].drop_duplicates()
    first = _first_rows(frame["provider"], rows)
    existing = {
        p.name: p for p in Provider.objects.filter(name__in=pairs["provider"].unique().tolist())
    }
    providers, created = dict(existing), []
    new_names = [n for n in pairs["provider"].unique().tolist() if n not in existing]
    keys = {provider_key(n): n for n in new_names}
    similar = {p.name_key: p.name for p in Provider.objects.filter(name_key__in=list(keys))}
    seen_keys: dict[str, str] = {}
    for name, ptype in pairs.itertuples(index=False):
        provider = providers.get(name)
        key = provider_key(name)
        if provider is None and (key in similar or seen_keys.get(key, name) != name):
            other = similar.get(key) or seen_keys[key]
            problems.append(
                Problem(
                    source,
                    first[name],
                    "provider",
                    name,
                    "provider-near-duplicate",
                    f"'{name}' looks like the provider '{other}'"
                    + (" already stored" if key in similar else " named earlier in the file")
                    + "; write the provider's name exactly as stored",
                )
            )
            continue
        seen_keys.setdefault(key, name)
        if provider is None:
            provider = Provider.objects.create(name=name, provider_type=ptype)
            providers[name] = provider
            created.append(provider)
        elif provider.provider_type != ptype:
            problems.append(
                Problem(
                    source,
                    first[name],
                    "provider_type",
                    ptype,
                    "provider-type-mismatch",
                    f"provider '{name}' is stored as {provider.provider_type}, not {ptype}",
                )
            )
    return providers, created


def _inspections(frame, rows, framework, providers, source, problems, user, only):
    """Stored or new inspections by code. An inspection whose rows name one provider is of
    that provider; one whose rows name several is an area inspection (no single provider)."""
    pairs = frame[["inspection_id", "provider"]].drop_duplicates()
    first = _first_rows(frame["inspection_id"], rows)
    first_pair: dict[tuple[str, str], object] = {}
    for pair, row in zip(
        zip(frame["inspection_id"].tolist(), frame["provider"].tolist(), strict=True),
        rows,
        strict=True,
    ):
        first_pair.setdefault(pair, row)
    providers_of: dict[str, list[str]] = {}
    for code, provider_name in pairs.itertuples(index=False):
        providers_of.setdefault(code, []).append(provider_name)
    existing = {
        i.code: i
        for i in Inspection.objects.select_related("provider").filter(code__in=list(providers_of))
    }
    inspections, created = {}, []
    for code, names in providers_of.items():
        row = first[code]
        if only is not None and code != only.code:
            problems.append(
                Problem(
                    source,
                    row,
                    "inspection_id",
                    code,
                    "other-inspection",
                    f"this upload is for inspection '{only.code}', not '{code}'",
                )
            )
            continue
        insp = existing.get(code)
        if insp is None:
            insp = Inspection.objects.create(
                code=code,
                provider=providers[names[0]] if len(names) == 1 else None,
                framework_id=framework.id,
                framework_version=framework.version,
                framework_fingerprint=framework.fingerprint,
                round_label=framework.round or "",
                status=Inspection.Status.FIELDWORK,
            )
            created.append(insp)
        elif insp.provider_id is not None and any(name != insp.provider.name for name in names):
            other = next(name for name in names if name != insp.provider.name)
            problems.append(
                Problem(
                    source,
                    min(r for (c, n), r in first_pair.items() if c == code and n == other),
                    "provider",
                    other,
                    "inspection-provider-mismatch",
                    f"inspection '{code}' is of provider '{insp.provider.name}', not '{other}'",
                )
            )
        elif insp.framework_id != framework.id:
            problems.append(
                Problem(
                    source,
                    row,
                    "inspection_id",
                    code,
                    "framework-mismatch",
                    f"inspection '{code}' uses framework '{insp.framework_id}', not '{framework.id}'",
                )
            )
        elif insp.status == Inspection.Status.SETUP:
            insp.status = Inspection.Status.FIELDWORK
            insp.save(update_fields=["status"])
        if insp.is_signed_off:
            problems.append(
                Problem(
                    source,
                    row,
                    "inspection_id",
                    code,
                    "signed-off",
                    f"inspection '{code}' is signed off: no more cases can be added",
                )
            )
        inspections[code] = insp
    return inspections, created


def _duplicates(frame, rows, framework, source) -> list[Problem]:
    """Case ids are unique within a framework round: an import never overwrites a stored case."""
    stored = dict(
        Case.objects.filter(inspection__framework_id=framework.id, second_marking_of__isnull=True)
        .values_list("case_id", "inspection__code")
        .iterator(chunk_size=10_000)
    )
    if not stored:
        return []
    problems = []
    for case_id, row in zip(frame["case_id"].tolist(), rows, strict=True):
        if case_id in stored:
            problems.append(
                Problem(
                    source,
                    row,
                    "case_id",
                    case_id,
                    "duplicate-in-database",
                    f"case id '{case_id}' is already stored (inspection '{stored[case_id]}'); "
                    "an import never overwrites a stored case",
                )
            )
    return problems


def _case_rows(frame, framework, inspections, providers, batch, status) -> list[dict]:
    """One dict of column values per case (no model instances: 100k cases stay fast)."""
    columns = set(frame.columns)
    items = [code for code in framework.item_codes if code in columns]
    rationale_cols = [
        (i.code, i.rationale_column) for i in framework.items if i.rationale_column in columns
    ]
    profile_cols = [c for c in PROFILE_FIELDS if c in columns]
    extra_cols = [
        v.code
        for v in framework.profile
        if v.code not in PROFILE_ID_COLUMNS and v.code not in PROFILE_FIELDS and v.code in columns
    ]
    practice = [c for c in ("practice_note", "practice_kind", "practice_pseudonym") if c in columns]
    data = {
        c: frame[c].tolist()
        for c in ["case_id", "inspection_id", "provider", *profile_cols, *extra_cols, *practice]
    }
    answer_cols = [(code, frame[code].tolist()) for code in items]
    rationale_vals = [(code, frame[col].tolist()) for code, col in rationale_cols]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    template = {f.attname: f.get_default() for f in Case._meta.concrete_fields if not f.primary_key}
    template.update(
        import_batch_id=batch.pk,
        created_at=now,
        updated_at=now,
        version=1,
        framework_id=framework.id,
    )
    rows = []
    for n in range(len(frame)):
        answers = {code: values[n] for code, values in answer_cols if values[n] != ""}
        row = dict(template)
        row.update({c: data[c][n] for c in profile_cols})
        row.update({c: data[c][n] for c in practice})
        row.update(
            inspection_id=inspections[data["inspection_id"][n]].pk,
            provider_id=providers[data["provider"][n]].pk,
            case_id=data["case_id"][n],
            profile_extra={c: data[c][n] for c in extra_cols if data[c][n] != ""},
            answers=answers,
            rationales={code: values[n] for code, values in rationale_vals if values[n] != ""},
            status=status or (Case.Status.ACCEPTED if answers else Case.Status.ALLOCATED),
        )
        rows.append(row)
    return rows


def _insert(rows: list[dict]) -> None:
    """Insert case rows in batches: COPY on PostgreSQL, executemany elsewhere.

    Equivalent to ``Case.objects.bulk_create`` (no signals, no per-object save) but without
    building 100k model instances; JSON columns are serialised once, here.
    """
    if not rows:
        return
    fields = [f for f in Case._meta.concrete_fields if not f.primary_key]
    names = [f.attname for f in fields]
    json_names = {f.attname for f in fields if isinstance(f, models.JSONField)}
    table = connection.ops.quote_name(Case._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(f.column) for f in fields)

    def values(row):
        return tuple(
            json.dumps(row[n], ensure_ascii=False) if n in json_names else row[n] for n in names
        )

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            # wrap_database_errors: a unique violation during COPY is Django's IntegrityError
            with connection.wrap_database_errors:
                with raw.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(values(row))
        else:
            placeholders = ", ".join(["%s"] * len(names))
            sql = f"INSERT INTO {table} ({cols}) VALUES ({placeholders})"  # noqa: S608 - names from the model, values bound
            for start in range(0, len(rows), BATCH_SIZE):
                cursor.executemany(sql, [values(row) for row in rows[start : start + BATCH_SIZE]])


def _inspection_state(insp: Inspection) -> dict:
    return {
        "code": insp.code,
        "provider": insp.provider.name if insp.provider_id else None,
        "framework": insp.framework_id,
        "framework_version": insp.framework_version,
        "kind": insp.kind,
        "status": insp.status,
        "lead": insp.lead.get_username() if insp.lead_id else None,
    }
