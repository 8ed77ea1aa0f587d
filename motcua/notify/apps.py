from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "motcua.notify"
    verbose_name = "notifications"

    def ready(self):
        from motcua.dossiers.signals import dossier_event_recorded
        from motcua.notify.dossier_updates import on_dossier_event

        dossier_event_recorded.connect(
            on_dossier_event, dispatch_uid="motcua.notify.dossier_updates"
        )
