"""huimao.toml that is missing, unreadable or not TOML: a ConfigError naming the file (exit 2 on the command
line), never a traceback. Job files are read by the same ``load_toml`` (see test_jobs_files.py)."""

import pytest

from huimao_sheets.config import Settings
from huimao_sheets.errors import ConfigError


def test_a_missing_config_file_is_named_with_the_way_to_make_one(tmp_path):
    path = tmp_path / "huimao.toml"
    with pytest.raises(ConfigError) as exc:
        Settings.load(path)
    assert str(exc.value) == f"找不到配置文件 {path}（--config）。运行 `huimao-sheets init` 可生成一份带注释的配置。"


@pytest.mark.parametrize("content", ['language = "en\n'.encode(), 'language = "中文"\n'.encode("gbk")],
                         ids=["unclosed string", "gbk bytes"])
def test_a_config_file_that_is_not_toml_is_named(tmp_path, content):
    path = tmp_path / "huimao.toml"
    path.write_bytes(content)
    with pytest.raises(ConfigError) as exc:
        Settings.load(path)
    assert str(exc.value).startswith(f"配置文件 {path} 不是有效的 TOML: ")


def test_a_config_path_that_cannot_be_read_is_named(tmp_path):
    with pytest.raises(ConfigError) as exc:
        Settings.load(tmp_path)  # a folder
    assert str(exc.value).startswith(f"无法读取配置文件 {tmp_path}: ")
