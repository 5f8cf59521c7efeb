"""Pages of the one-stop shop, by who uses them: thin; every write goes through one service.

- `staff`: the queue, the dossier's page and its actions (`actions.DOSSIER_ACTIONS`), its
  files and printable forms;
- `counter`: finding the procedure and receiving the file;
- `register`: the dossier register (Mẫu 07) and the catalogue;
- `public`: the lookup, the rating, the online procedures and dossier.
"""

from .counter import IntakeSearchView, IntakeView, ProcedureSearchJsonView
from .public import LookupView, OnlineListView, OnlineSubmitView, RateView
from .register import ProcedureListView, RegisterView
from .staff import (
    DossierActionView,
    DossierDetailView,
    DossierDocumentFileView,
    DossierListView,
    DossierPrintView,
    NoticePrintView,
)

__all__ = [
    "DossierActionView",
    "DossierDetailView",
    "DossierDocumentFileView",
    "DossierListView",
    "DossierPrintView",
    "IntakeSearchView",
    "IntakeView",
    "LookupView",
    "NoticePrintView",
    "OnlineListView",
    "OnlineSubmitView",
    "ProcedureListView",
    "ProcedureSearchJsonView",
    "RateView",
    "RegisterView",
]
