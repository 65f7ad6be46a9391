"""The code's shape (README, "How the code is laid out"): import-linter holds
the layers; these tests hold what it does not state, no import cycle between
any two modules (imports inside functions included), and the site's
settings that never load the benchmark's app."""

import grimp
from django.conf import settings

PACKAGES = ("newsroom", "alliances", "bench")


def import_cycles(graph) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index, low, on_stack, stack, groups = {}, {}, set(), [], []

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return groups


def test_no_module_imports_itself_back_through_others():
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    assert import_cycles(graph) == []


def test_the_cycle_finder_sees_a_loop_through_a_function_level_import(tmp_path, monkeypatch):
    # The finder itself must be able to fail: a two-module loop, one side
    # importing inside a function, as the old models <-> tagging loop did.
    package = tmp_path / "loopy"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from loopy import b\n")
    (package / "b.py").write_text("def later():\n    from loopy import a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    graph = grimp.build_graph("loopy", cache_dir=None)
    assert import_cycles(graph) == [["loopy.a", "loopy.b"]]


def test_the_benchmark_app_is_installed_only_by_its_own_and_the_test_settings():
    # The test settings add it (its generator is under test); the site's own
    # settings module must not.
    import newsroom.settings as site_settings

    assert "bench" not in site_settings.INSTALLED_APPS
    assert "bench" in settings.INSTALLED_APPS
