from django.apps import AppConfig


class DocstoreConfig(AppConfig):
    name = "motcua.docstore"
    verbose_name = "citizen document store"

    def ready(self):
        from motcua.docstore.receivers import record_result_on_approval
        from motcua.dossiers.signals import dossier_event_recorded

        dossier_event_recorded.connect(
            record_result_on_approval, dispatch_uid="motcua.docstore.record_result_on_approval"
        )
