"""The Looker pull: looker-sdk's HTTP transport, the paginated content pull, System Activity."""
