"""ui/serving.py: Streamlit's config read without its lock gives what the locked read gives."""

from __future__ import annotations

import threading

from streamlit import config

from ui import serving


def _locked():
    return getattr(config.get_option, "__wrapped__", config.get_option)


def test_lock_free_read_answers_as_the_locked_read_for_every_option():
    serving.lock_free_config_reads()
    locked = _locked()
    assert locked is not config.get_option
    for key in config._config_options:
        assert config.get_option(key) == locked(key), key


def test_installed_once_and_a_set_option_is_seen():
    serving.lock_free_config_reads()
    installed = config.get_option
    assert serving.lock_free_config_reads() is False
    assert config.get_option is installed
    before = config.get_option("global.minCachedMessageSize")
    try:
        config.set_option("global.minCachedMessageSize", before + 1)
        assert config.get_option("global.minCachedMessageSize") == before + 1
    finally:
        config.set_option("global.minCachedMessageSize", before)
    assert config.get_option("global.minCachedMessageSize") == before


def test_an_unknown_key_still_raises_as_streamlit_does():
    serving.lock_free_config_reads()
    try:
        config.get_option("no.suchOption")
    except RuntimeError as err:
        assert "no.suchOption" in str(err)
    else:
        raise AssertionError("an unknown key was answered")


def test_no_lock_is_taken(monkeypatch):
    """The read does not wait for the configuration lock (held here by another thread)."""
    serving.lock_free_config_reads()
    held, release = threading.Event(), threading.Event()

    def hold():
        with config._config_lock:
            held.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(5)
    answered = []
    reader = threading.Thread(target=lambda: answered.append(config.get_option("global.appTest")))
    reader.start()
    reader.join(1)
    release.set()
    holder.join()
    assert answered, "the read waited for the configuration lock"


def test_turned_off_by_the_environment(monkeypatch):
    monkeypatch.setenv("CLV_SERVING_TUNED", "0")
    assert serving.tune() is False


def test_a_stand_in_is_left_alone(monkeypatch):
    """AppTest stands in for get_option during a run (global.appTest): not replaced."""

    def stand_in(key):
        return True

    monkeypatch.setattr(config, "get_option", stand_in)
    assert serving.lock_free_config_reads() is False
    assert config.get_option is stand_in
