"""Engine adapters: the MkDocs build glue and the `handbook` command line, thin over the core."""
