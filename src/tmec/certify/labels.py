"""The certification's field labels and statement in English, Spanish and French.

A certification may be in English, Spanish or French (CBSA guidance; spec usmca.md
§6.1 [S]); the labels below are data, not gettext strings, because a legal form's
wording must not drift with a UI translation.  The statement is
the Annex 5-A element 9 wording as the spec recalls it: **unverified** (spec
usmca.md §6.1 [M]); check it against the Annex before relying on it.
"""

from __future__ import annotations

__all__ = ["LANGUAGES", "STATEMENT_UNVERIFIED", "label"]

LANGUAGES = ("en", "es", "fr")
STATEMENT_UNVERIFIED = True

_LABELS: dict[str, dict[str, str]] = {
    "title": {
        "en": "USMCA Certification of Origin",
        "es": "Certificación de Origen T-MEC",
        "fr": "Certification d'origine ACEUM",
    },
    "1": {
        "en": "1. Certifier (importer, exporter or producer)",
        "es": "1. Certificador (importador, exportador o productor)",
        "fr": "1. Certificateur (importateur, exportateur ou producteur)",
    },
    "2": {"en": "2. Certifier", "es": "2. Certificador", "fr": "2. Certificateur"},
    "3": {"en": "3. Exporter", "es": "3. Exportador", "fr": "3. Exportateur"},
    "4": {"en": "4. Producer", "es": "4. Productor", "fr": "4. Producteur"},
    "5": {"en": "5. Importer", "es": "5. Importador", "fr": "5. Importateur"},
    "6": {
        "en": "6. Description and HS tariff classification of the good",
        "es": "6. Descripción y clasificación arancelaria SA de la mercancía",
        "fr": "6. Désignation et classement tarifaire SH du produit",
    },
    "7": {"en": "7. Origin criterion", "es": "7. Criterio de origen", "fr": "7. Critère d'origine"},
    "8": {"en": "8. Blanket period", "es": "8. Periodo general", "fr": "8. Période globale"},
    "9": {
        "en": "9. Authorized signature and date",
        "es": "9. Firma autorizada y fecha",
        "fr": "9. Signature autorisée et date",
    },
    "role.producer": {"en": "Producer", "es": "Productor", "fr": "Producteur"},
    "role.exporter": {"en": "Exporter", "es": "Exportador", "fr": "Exportateur"},
    "role.importer": {"en": "Importer", "es": "Importador", "fr": "Importateur"},
    "invoice": {"en": "Invoice number", "es": "Número de factura", "fr": "Numéro de facture"},
    "single": {"en": "Single shipment", "es": "Embarque único", "fr": "Envoi unique"},
    "from": {"en": "From", "es": "Desde", "fr": "Du"},
    "to": {"en": "To", "es": "Hasta", "fr": "Au"},
    "same": {
        "en": "Same as certifier",
        "es": "Igual que el certificador",
        "fr": "Identique au certificateur",
    },
    "unknown": {"en": "Unknown", "es": "Desconocido", "fr": "Inconnu"},
    "various": {"en": "Various", "es": "Varios", "fr": "Divers"},
    "upon_request": {
        "en": "Available upon request by the importing authorities",
        "es": "Disponible a solicitud de las autoridades importadoras",
        "fr": "Disponible sur demande des autorités importatrices",
    },
    "criterion": {"en": "criterion", "es": "criterio", "fr": "critère"},
    "col.description": {"en": "Description", "es": "Descripción", "fr": "Désignation"},
    "col.hs": {"en": "HS", "es": "SA", "fr": "SH"},
    "col.criterion": {"en": "Criterion", "es": "Criterio", "fr": "Critère"},
    "per_good": {
        "en": "Given for each good under 6",
        "es": "Indicado para cada mercancía en 6",
        "fr": "Indiqué pour chaque produit sous 6",
    },
    "amends": {"en": "Amends", "es": "Modifica", "fr": "Modifie"},
    "reason": {"en": "Reason", "es": "Motivo", "fr": "Motif"},
    "certificate_id": {"en": "Certificate", "es": "Certificado", "fr": "Certificat"},
    "log": {"en": "Transparency log", "es": "Registro de transparencia", "fr": "Journal de transparence"},
    "pages": {"en": "Pages", "es": "Páginas", "fr": "Pages"},
    "statement": {
        "en": "I certify that the goods described in this document qualify as originating and the "
        "information contained in this document is true and accurate. I assume responsibility for "
        "proving such representations and agree to maintain and present upon request or to make "
        "available during a verification visit, documentation necessary to support this certification.",
        "es": "Certifico que las mercancías descritas en este documento califican como originarias y que la "
        "información contenida en este documento es verdadera y exacta. Asumo la responsabilidad de "
        "comprobar lo aquí declarado y me comprometo a conservar y presentar a solicitud, o a poner a "
        "disposición durante una visita de verificación, la documentación necesaria para sustentar esta "
        "certificación.",
        "fr": "J'atteste que les produits décrits dans le présent document sont admissibles à titre de "
        "produits originaires et que les renseignements qu'il contient sont véridiques et exacts. "
        "J'assume la responsabilité de prouver ces déclarations et je m'engage à conserver et à "
        "présenter sur demande, ou à rendre disponibles lors d'une visite de vérification, les "
        "documents nécessaires à l'appui de la présente certification.",
    },
}


def label(key: str, language: str) -> str:
    return _LABELS[key][language]
