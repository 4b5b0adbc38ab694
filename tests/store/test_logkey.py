"""The log's key file: a file that is no key, or no file, is one line saying so."""

from __future__ import annotations

from pathlib import Path

import pytest

from hito.errors import InputError
from hito.store.logkey import load_key


def test_a_file_that_is_no_pem_key_is_refused_without_the_librarys_english(
    tmp_path: Path,
) -> None:
    path = tmp_path / "key.pem"
    path.write_text("root:x:0:0:root:/root:/bin/bash\n")
    with pytest.raises(InputError) as err:
        load_key(path, create=False)
    assert err.value.in_language("es") == [
        f"{path}: no es una clave Ed25519 en formato PEM; se esperaba el archivo que escribe "
        "`hito log key` o la clave pública que muestra"
    ]


def test_a_folder_given_as_the_key_is_said_in_the_readers_language(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        load_key(tmp_path, create=False)
    assert err.value.in_language("es") == [
        f"{tmp_path}: no se puede leer el archivo (es una carpeta)"
    ]
    assert err.value.in_language("en") == [f"{tmp_path}: cannot read the file (it is a folder)"]


def test_a_key_written_by_hito_reads_back(tmp_path: Path) -> None:
    made = load_key(tmp_path / "key.pem", create=True)
    again = load_key(tmp_path / "key.pem", create=False)
    assert again.key_id == made.key_id


def test_a_heads_file_with_a_json_nesting_bomb_is_one_located_line(tmp_path: Path) -> None:
    """The other side's heads file is not trusted: brackets 50,000 deep were a RecursionError."""
    from hito.store.logcheck import parse_heads

    with pytest.raises(InputError) as err:
        parse_heads("# heads\n" + "[" * 50_000 + "]" * 50_000 + "\n", "heads.jsonl")
    assert err.value.in_language("en") == [
        "heads.jsonl:2: not a JSON signed tree head (nested too deeply)"
    ]
    assert err.value.in_language("es")[0].startswith("heads.jsonl:2: ")


def test_a_heads_file_line_that_is_no_json_object_says_what_it_is_in_words() -> None:
    from hito.store.logcheck import parse_heads

    with pytest.raises(InputError) as err:
        parse_heads('["a", "list"]\n', "heads.jsonl")
    assert err.value.in_language("en") == ["heads.jsonl:1: expected a JSON object, got a list"]
    assert err.value.in_language("es") == [
        "heads.jsonl:1: se esperaba un objeto JSON; se recibió una lista"
    ]


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o660, 0o644])
def test_a_private_key_readable_by_others_is_refused_naming_its_mode_and_the_fix(
    tmp_path: Path, mode: int
) -> None:
    """As ssh does: a signing key others can read is no longer the operator's alone."""
    path = tmp_path / "key.pem"
    made = load_key(path, create=True)
    assert path.stat().st_mode & 0o777 == 0o600
    path.chmod(mode)
    with pytest.raises(InputError) as err:
        load_key(path, create=False)
    assert err.value.in_language("en") == [
        f"{path}: the log's private key is open to other users (mode {mode:04o}), expected "
        f"0600 (its owner only): run `chmod 600 {path}`"
    ]
    assert err.value.in_language("es")[0].endswith(f"`chmod 600 {path}`")
    path.chmod(0o600)
    assert load_key(path, create=False).key_id == made.key_id


def test_a_public_key_readable_by_all_is_read(tmp_path: Path) -> None:
    """The public half is published: its mode is nobody's business."""
    public = tmp_path / "log-key.pem"
    public.write_text(load_key(tmp_path / "key.pem", create=True).public_pem())
    public.chmod(0o644)
    assert load_key(public, create=False).private is None
