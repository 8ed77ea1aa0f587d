from django.apps import AppConfig


class DocstoreConfig(AppConfig):
    name = "motcua.docstore"
    verbose_name = "citizen document store"
