"""The issue forms in Swedish as well as English.

A form's labels stay in English: they are the headings GitHub writes into the issue, which
:mod:`cim.intake.answers` reads back (and issues filed earlier keep being read). Everything a
student reads around them — the form's name, its introduction and each question's
explanation — is given in Swedish too, below the English."""

from __future__ import annotations

import dataclasses

from cim.intake.forms import Field, Form

NAMES = {"Add an activity": "Lägg till en aktivitet"}
DESCRIPTIONS = {
    "registration": "Anmäl dig till CIM: din portfolio skapas åt dig.",
    "activity": "Lägg till en aktivitet och dess underlag i din CIM-portfolio.",
}
INTROS = {
    "registration": (
        "Välkommen! Fyll i formuläret och tryck på **Submit new issue**. En portfolio skapas åt "
        "dig inom några minuter och den här sidan berättar vad som händer sedan. Ditt "
        "GitHub-konto registreras som ägare till portfolion; du behöver aldrig skriva det.\n\n"
        "Skriv aldrig ditt personnummer någonstans."
    ),
    "activity": (
        "Fyll i ett formulär för varje aktivitet och tryck på **Submit new issue**. Aktiviteten "
        "läggs till i din portfolio som ett förslag som en administratör godkänner; den här "
        "sidan visar sedan dina poäng före och efter. Vill du ändra något: redigera ärendet, så "
        "följer förslaget med.\n\nSkriv aldrig ditt personnummer någonstans."
    ),
}
# Each question: its label and explanation in Swedish (by the field's id).
FIELDS = {
    "name": ("Ditt fullständiga namn", "Så som det ska stå på ditt certifikat."),
    "programme": ("Utbildningsprogram", ""),
    "cohort": ("Vilken grupp tillhör du?", "Välj den första om du inte är utbytesstudent."),
    "start": (
        "Första dagen av dina studier",
        "År-månad-dag, till exempel 2025-08-25. Aktiviteter räknas från den dagen.",
    ),
    "end": (
        "Sista dagen",
        "Din examen, eller slutet av din utbytestermin (i anmälan); sista dagen om aktiviteten "
        "varade längre än en dag. År-månad-dag. Lämna tomt om du inte vet ännu.",
    ),
    "origin": (
        "Ditt ursprungsland",
        "Landets namn på engelska, till exempel Sweden. Aktiviteter utomlands räknas från det "
        "landet.",
    ),
    "publish": (
        "Publicering",
        "Kryssa i om du går med på att din portfolio visas på den öppna "
        "CIM-webbplatsen. Du kan ändra det senare.",
    ),
    "activity": (
        "Aktivitet",
        "Välj aktiviteten i katalogen. Finns den inte med? Välj det sista valet och svara på "
        "frågorna om din egen aktivitet längst ner.",
    ),
    "date": ("Datum", "År-månad-dag, till exempel 2025-02-12. Första dagen om den varade längre."),
    "amount": (
        "Hur många",
        "Bara för aktiviteter som räknas per tillfälle, timme, dag, vecka eller högskolepoäng "
        "(se listan ovan).",
    ),
    "place": ("Plats", "Staden, lärosätet eller organisationen."),
    "country": ("Land", "Var den ägde rum, landets namn på engelska (Sweden, Netherlands)."),
    "language": ("Språk", "Språket aktiviteten hölls på."),
    "reflection": (
        "Reflektion",
        "Vad lärde du dig? Hur kommer det att forma dig i ditt yrke? Du kan skriva på svenska "
        "eller engelska. Antalet ord som varje aktivitet kräver står i listan ovan.",
    ),
    "evidence": (
        "Underlag",
        "Dra ditt intyg, din närvarolista eller ditt foto till rutan (JPEG, PNG, WebP eller "
        "PDF). Foton sparas utan plats och andra dolda uppgifter, och mycket stora foton görs "
        "mindre.",
    ),
    "caption": ("Vad underlaget visar", "En mening, som visas under underlaget."),
    "kind": ("Typ av underlag", ""),
    "private": (
        "Integritet",
        "Kryssa i för att hålla underlaget privat: granskarna ser det, den öppna webbplatsen "
        "aldrig.",
    ),
    "title": (
        "Egen aktivitet: vad du gjorde",
        "Bara för en aktivitet som du har utformat själv: en kort titel.",
    ),
    "category": ("Egen aktivitet: kategori", "Bara för en aktivitet som du har utformat själv."),
    "aims": (
        "Egen aktivitet: målen den utvecklar",
        "Bara för en aktivitet som du har utformat själv; välj ett eller flera.",
    ),
    "claim": (
        "Egen aktivitet: poängen du föreslår",
        "Bara för en aktivitet som du har utformat själv; granskaren bestämmer.",
    ),
}


def bilingual(form: Form) -> Form:
    """``form`` with its Swedish words below the English ones."""
    name = form.name
    if name.startswith("Register for "):
        name += " · Anmälan till " + name.removeprefix("Register for ")
    elif name in NAMES:
        name += " · " + NAMES[name]
    fields = tuple(_field(f) for f in form.fields)
    return dataclasses.replace(
        form,
        name=name,
        description=f"{form.description} · {DESCRIPTIONS.get(form.label, '')}".rstrip(" ·"),
        intro=f"{form.intro}\n\n---\n\n*På svenska:* {INTROS[form.label]}"
        if form.label in INTROS
        else form.intro,
        fields=fields,
    )


def _field(f: Field) -> Field:
    if f.id not in FIELDS:
        return f
    label, text = FIELDS[f.id]
    swedish = f"*{label}*" + (f" — {text}" if text else "")
    return dataclasses.replace(
        f, description=f"{f.description}\n\n{swedish}" if f.description else swedish
    )
