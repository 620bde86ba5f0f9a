"""Region paths: a region's place in the tree is its materialised path of codes ("44/4407/440703/"), so "this
region and below" is a prefix match and "this region and above" is a match on the few paths computed here."""


def ancestor_paths(path: str, *, include_self: bool = True) -> list[str]:
    """The paths of the regions above the one at ``path``, from the top ("44/", "44/4407/", …), and its own
    last unless ``include_self`` is false."""
    parts = path.strip("/").split("/") if path.strip("/") else []
    paths = ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
    return paths if include_self else paths[:-1]
