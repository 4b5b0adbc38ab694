"""Reading an HXL CSV file once (hito.hxl_table): columns by hashtag, rows at their file lines."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from hito.errors import InputError
from hito.hxl_table import HxlRow, hashtag_key, read_bytes, read_file

pytestmark = pytest.mark.usefixtures("english_reader")  # what errors say, in English


def test_rows_keep_their_file_lines_past_a_title_a_quoted_newline_and_a_blank_row() -> None:
    text = (
        "Counts at the border\n"  # 1
        "Date,Site,Note\n"  # 2
        "#date,#loc+name,#description\n"  # 3
        '2025-01-01, a ,"one\ntwo"\n'  # 4-5
        ",,\n"  # 6: blank, left out
        "2025-01-02,b\n"  # 7: short
    )
    table = read_bytes(text.encode(), "f.csv", "#date")
    assert table.tags == ("#date", "#loc+name", "#description")
    assert table.tags_line == 3
    assert table.rows == (
        HxlRow(4, ("2025-01-01", "a", "one\ntwo")),
        HxlRow(7, ("2025-01-02", "b")),
    )
    assert table.rows[1].cell(2) == "" and table.rows[1].cell(None) == ""


def test_a_bom_crlf_and_semicolons_are_read() -> None:
    data = "\ufeffD;S\r\n#date;#loc+name\r\n2025-01-01;a\r\n".encode()
    table = read_bytes(data, "f.csv", "#date")
    assert (table.tags, table.tags_line, table.rows) == (
        ("#date", "#loc+name"),
        2,
        (HxlRow(3, ("2025-01-01", "a")),),
    )


def test_lines_ended_by_a_lone_cr_are_read_at_their_lines_not_refused_in_pythons_words() -> None:
    """Excel for Mac's 'CSV' ends lines with CR only: Python's csv said 'new-line character seen
    in unquoted field - do you need to open the file in universal-newline mode?'."""
    data = b"D,S\r#date,#loc+name\r2025-01-01,a\r2025-01-02,b\r"
    table = read_bytes(data, "f.csv", "#date")
    assert (table.tags, table.tags_line, table.rows) == (
        ("#date", "#loc+name"),
        2,
        (HxlRow(3, ("2025-01-01", "a")), HxlRow(4, ("2025-01-02", "b"))),
    )


def test_columns_by_exact_hashtag_in_any_order_and_case() -> None:
    text = "A,B,C,D,E\n#affected+Stranded+min,,#affected+max+stranded,#date,#DATE\n1,,2,x,y\n"
    table = read_bytes(text.encode(), "f.csv", "#date")
    assert hashtag_key("#Affected+MAX +stranded") == ("#affected", frozenset({"max", "stranded"}))
    assert table.column("#affected+stranded+max") == 2
    assert table.column("#affected+stranded") is None  # +min and +max are not the count
    with pytest.raises(InputError) as err:  # in two columns: which is the date?
        table.column("#date")
    assert err.value.in_language("en") == [
        "f.csv:2: hashtags: #date in columns 4, 5; expected it in one column (which one holds "
        "what hito reads?)"
    ]


def test_a_count_tagged_twice_is_refused_not_read_from_the_first_column() -> None:
    """`#affected+min` on two columns (100 and 5000): calibrate read 100 without a word."""
    text = "D,S,Low,Low again\n#date,#loc+name,#affected+min,#affected+min\n2025-01-01,a,100,5000\n"
    table = read_bytes(text.encode(), "counts.csv", "#date")
    with pytest.raises(InputError) as err:
        table.column("#affected+min")
    assert err.value.in_language("en") == [
        "counts.csv:2: hashtags: #affected+min in columns 3, 4; expected it in one column "
        "(which one holds what hito reads?)"
    ]
    assert table.column("#loc+name") == 1


def test_a_missing_hashtag_is_named_at_the_hashtag_row(tmp_path: Path) -> None:
    p = tmp_path / "f.csv"
    p.write_text("Title\nD,S\n#date,#loc+name\n")
    table = read_file(p, "#date, #affected")
    assert table.rows == ()
    assert table.lacking(str(p), ["#affected"], "#date, #affected").problems == [
        f"{p}:3: hashtags: got #date, #loc+name, missing #affected (expected #date, #affected)"
    ]


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"", "f.csv: the file is empty, expected an HXL CSV file (#date)"),
        (b"\n \n", "f.csv: the file is empty, expected an HXL CSV file (#date)"),
        (
            b"D\n\xe9",
            "f.csv:2: byte 2 is not UTF-8 text; expected a CSV file in UTF-8 (a spreadsheet "
            'saves one as "CSV UTF-8")',
        ),
        (b"D\x00\n#date\n", "f.csv: binary content, expected a CSV file in UTF-8"),
        (
            b'{"date": 1}',
            "f.csv: no HXL hashtag row in the first 25 rows, expected a row of hashtags under the "
            "header with #date",
        ),
        (
            b"D,S\n#date,#loc\n" + b"x" * 200_000 + b",1\n",
            "f.csv: a cell longer than 131,072 characters; expected a CSV file of short cells (a "
            "quote left open joins the rest of the file into one cell)",
        ),
    ],
)
def test_what_is_not_an_hxl_csv_file_is_said_at_the_file(data: bytes, said: str) -> None:
    with pytest.raises(InputError) as err:
        read_bytes(data, "f.csv", "#date")
    assert err.value.problems == [said]


def test_a_quote_left_open_is_said_in_the_readers_words_not_pythons(tmp_path: Path) -> None:
    data = b'D,S\n#date,#loc\n"2025-11-30,a\n' + b"2025-11-30,a\n" * 20_000
    with pytest.raises(InputError) as err:
        read_bytes(data, "f.csv", "#date")
    assert err.value.in_language("es") == [
        "f.csv: una celda de más de 131.072 caracteres; se esperaba un archivo CSV de celdas "
        "cortas (una comilla sin cerrar une el resto del archivo en una sola celda)"
    ]


def test_a_missing_file(tmp_path: Path) -> None:
    p = tmp_path / "none.csv"
    with pytest.raises(InputError) as err:
        read_file(p, "#date")
    assert err.value.problems == [f"{p}: cannot read the file (no such file), expected a CSV file"]


def test_a_folder_or_an_unreadable_file_is_said_in_the_readers_words(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        read_file(tmp_path, "#date")
    assert err.value.problems == [
        f"{tmp_path}: cannot read the file (it is a folder), expected a CSV file"
    ]
    assert err.value.in_language("es") == [
        f"{tmp_path}: no se puede leer el archivo (es una carpeta); se esperaba un archivo CSV"
    ]


@pytest.mark.parametrize(
    ("tags", "column", "tag"),
    [
        ("#date,#loc+name,#affected+min,#affected+ max", 4, "#affected+ max"),  # a space
        ("#date,#loc+name,#affected+min,#affected+max!", 4, "#affected+max!"),
        ("#date,#loc+name,#affected+min,#affected+max,#foo bar", 5, "#foo bar"),
        ("#date,#loc+name,#affected+min,#affected+max,notes", 5, "notes"),  # no #
    ],
)
def test_a_malformed_hashtag_refuses_the_file_naming_its_line_column_and_tag(
    tags: str, column: int, tag: str
) -> None:
    """libhxl would skip the column (a range read without its high) and log it in English."""
    data = f"Title\nDate,Site,Low,High,Note\n{tags}\n2025-11-30,a,1,2,x\n".encode()
    with pytest.raises(InputError) as err:
        read_bytes(data, "f.csv", "#date")
    assert err.value.problems == [
        f"f.csv:3: hashtags: column {column}: got {tag!r}, expected an HXL hashtag such as "
        "#affected+max (after # and after each +, a letter then letters, digits or _) or an "
        "empty cell"
    ]
    assert err.value.in_language("es") == [
        f"f.csv:3: etiquetas: columna {column}: se recibió {tag!r}; se esperaba una etiqueta HXL "
        "como #affected+max (tras # y tras cada +, una letra y luego letras, dígitos o _) o una "
        "celda vacía"
    ]


def test_libhxls_english_line_on_a_malformed_hashtag_reaches_no_one(
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    data = b"Date,Site,Low,High\n#date,#loc+name,#affected+min,#affected+ max\n2025-11-30,a,1,2\n"
    with caplog.at_level(logging.DEBUG), pytest.raises(InputError):
        read_bytes(data, "f.csv", "#date")
    assert [r.getMessage() for r in caplog.records if "malformed" in r.getMessage()] == []
    assert capsys.readouterr().err == ""  # not through logging's last-resort handler either
    assert [r.levelname for r in caplog.records if r.levelno >= logging.WARNING] == []
    caplog.clear()
    logging.getLogger("hxl.model").error("another line of libhxl")  # passes
    assert [r.getMessage() for r in caplog.records] == ["another line of libhxl"]
