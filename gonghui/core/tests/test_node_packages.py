from django.contrib.staticfiles import finders

from gonghui.core.node_packages import NodePackageFinder


def test_echarts_is_found_from_node_modules_and_nothing_else_of_the_package():
    found = finders.find("vendor/echarts/echarts.min.js")
    assert found and found.endswith("node_modules/echarts/dist/echarts.min.js")
    assert finders.find("vendor/echarts/echarts.js") is None
    listed = [path for path, _ in NodePackageFinder().list([])]
    assert listed == ["echarts.min.js"]


def test_a_missing_install_names_the_setup_script(settings, tmp_path):
    settings.NODE_MODULES = tmp_path
    problems = NodePackageFinder().check()
    assert len(problems) == 1 and "scripts/setup.sh" in problems[0].msg
