"""Pin the public surface: a change to ``tmec.__all__`` is a decision, not an accident."""

import tmec


def test_public_surface() -> None:
    assert set(tmec.__all__) >= {"InputError", "TmecError", "load_parameters", "__version__"}
    for name in tmec.__all__:
        assert hasattr(tmec, name), name
