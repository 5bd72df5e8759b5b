"""The deployment ships as files the README installs: a systemd unit that runs the scheduler and a cron
example that runs `schedule --once`, both with the paths the README's steps create."""

import configparser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"


def test_the_systemd_unit_runs_the_scheduler_as_the_service_account():
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str
    unit.read(DEPLOY / "huimao-sheets.service", encoding="utf-8")
    service = unit["Service"]
    assert service["ExecStart"] == "/srv/huimao/venv/bin/huimao-sheets schedule"
    assert (service["User"], service["WorkingDirectory"], service["EnvironmentFile"]) == (
        "huimao", "/srv/huimao", "/srv/huimao/huimao.env")
    assert service["Restart"] == "on-failure" and service["ReadWritePaths"] == "/srv/huimao"
    assert unit["Install"]["WantedBy"] == "multi-user.target"


def test_the_cron_example_runs_schedule_once_every_five_minutes():
    lines = [line for line in (DEPLOY / "huimao-sheets.cron").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#") and "=" not in line.split()[0]]
    assert lines == ["*/5 * * * * cd /srv/huimao && set -a && . ./huimao.env && set +a && "
                     "venv/bin/huimao-sheets schedule --once >> .huimao/cron.log 2>&1"]


def test_the_readme_installs_both_files():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "sudo cp /path/to/huimao-sheets/deploy/huimao-sheets.service /etc/systemd/system/" in readme
    assert "sudo crontab -u huimao /path/to/huimao-sheets/deploy/huimao-sheets.cron" in readme
