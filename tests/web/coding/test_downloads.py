"""Every download of the web app that leaves the system carries no original name."""

from __future__ import annotations

import re

from django.urls import reverse

from caseinspect.web.coding.models import PracticeExample

from ..conftest import login

FW = "hmip-2018"


def test_no_original_name_in_any_download(client, coding_world, synthetic_names):
    names = set(synthetic_names["name"]) & {
        w for text in coding_world["frame"]["practice_note"] for w in re.findall(r"\w+", text)
    }
    assert len(names) > 20
    login(client, coding_world["users"]["analyst"])
    client.post(reverse("coding:reindex"), {"framework": FW})
    noted = [c for c in coding_world["cases"].values() if c.practice_note]
    for case in noted:
        client.post(reverse("coding:mark", args=[case.pk]), {"marked": "1"})
        page = client.get(reverse("coding:review", args=[case.pk]))
        client.post(
            reverse("coding:review", args=[case.pk]),
            {"decision": "approve", "digest": page.context["proposed"]["digest"]},
        )
    assert PracticeExample.objects.filter(decision="approve").count() == len(noted)
    downloads = {
        "examples": client.get(reverse("coding:publish-csv"), {"framework": FW}),
        "coded set": client.get(reverse("coding:export"), {"framework": FW}),
        "tables": client.get(
            reverse("inspection-download", args=[noted[0].inspection_id, "tables", "csv"]),
            {"significance": "none"},
        ),
        "library page": client.get(
            reverse("coding:library"), {"framework": FW, "kind": "practice"}
        ),
        "workspace page": client.get(
            reverse("coding:workspace"), {"framework": FW, "by": "item", "item": "practice_note"}
        ),
    }
    pattern = re.compile(r"\b(" + "|".join(sorted(map(re.escape, names))) + r")\b")
    for what, response in downloads.items():
        assert response.status_code == 200, what
        body = response.content.decode("utf-8")
        assert pattern.findall(body) == [], what
    # The examples download does hold the examples (under their new names).
    assert len(downloads["examples"].content.decode().splitlines()) > len(noted)
    # ... and the scan can fail: the review page shows the originals to the reviewer.
    page = client.get(reverse("coding:review", args=[noted[0].pk])).content.decode()
    assert pattern.search(page)
