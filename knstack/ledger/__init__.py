"""The revision ledger (see model.py): history of revisions per environment."""

from knstack.ledger.model import LedgerEntry, RevisionLedger, configuration_key, template_digest
from knstack.ledger.record import Recorded, import_entry, record_template
from knstack.ledger.store import ledger_path, ledger_text, load_ledger, save_ledger

__all__ = [
    "LedgerEntry",
    "Recorded",
    "RevisionLedger",
    "configuration_key",
    "import_entry",
    "ledger_path",
    "ledger_text",
    "load_ledger",
    "record_template",
    "save_ledger",
    "template_digest",
]
