"""core.registry.Registry.narrowed: a test's narrowed registry gives back every entry in its order."""

from core.registry import Registry


def test_a_narrowed_registry_gives_back_every_entry_in_order():
    registry: Registry[int] = Registry("numbers")
    for key, value in (("a", 1), ("b", 2), ("c", 3)):
        registry.register(key, value)

    with registry.narrowed(lambda key, value: value != 2):
        assert registry.items() == [("a", 1), ("c", 3)]
        registry.register("d", 4)
        registry.unregister("a")

    assert registry.items() == [("a", 1), ("b", 2), ("c", 3)]
