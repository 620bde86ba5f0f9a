"""The one way a page answers with a spreadsheet: formula-safe cells, a readable name, the writer's workbook."""

import datetime
import io
import zipfile

import openpyxl
import tablib

from core import spreadsheets


def cells(response) -> list[tuple[object, ...]]:
    workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    return [tuple(row) for row in workbook.active.iter_rows(values_only=True)]


def test_text_that_would_run_as_a_formula_is_written_as_text():
    sheet = spreadsheets.sheet(["名称", "数"], [["=HYPERLINK(1)", 3], ["@SUM(A1)", None], ["-1+1", 2.5]])
    response = spreadsheets.xlsx_response(sheet, "单位")
    assert cells(response)[1:] == [("'=HYPERLINK(1)", 3), ("'@SUM(A1)", None), ("'-1+1", 2.5)]


def test_the_writer_defuses_formulas_even_in_a_sheet_built_by_hand():
    dataset = tablib.Dataset(headers=["a"])
    dataset.append(["=1+1"])
    dataset.append(["'=1+1"])  # already defused: left as it is
    assert cells(spreadsheets.xlsx_response(dataset, "x"))[1:] == [("'=1+1",), ("'=1+1",)]


def test_the_download_has_a_chinese_name_with_an_ascii_fallback():
    response = spreadsheets.xlsx_response([spreadsheets.sheet(["a"], [[1]], title="一")], "2026年度统计")
    assert response["Content-Type"] == spreadsheets.XLSX_TYPE
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="2026.xlsx"')
    assert "filename*=UTF-8''2026%E5%B9%B4" in disposition


def test_a_book_keeps_its_sheets_in_order_with_their_titles():
    book = tablib.Databook(
        [spreadsheets.sheet(["a"], [[1]], title="汇总"), spreadsheets.sheet(["b"], [[datetime.date(2026, 1, 2)]])]
    )
    built = spreadsheets.xlsx_file(book, "册")
    workbook = openpyxl.load_workbook(io.BytesIO(built.data))
    assert workbook.sheetnames == ["汇总", "Sheet2"]
    assert workbook["Sheet2"]["A2"].value == datetime.datetime(2026, 1, 2)
    assert zipfile.ZipFile(io.BytesIO(built.data)).testzip() is None


def test_text_with_line_breaks_and_markup_is_kept_and_wrapped():
    response = spreadsheets.xlsx_response(spreadsheets.sheet(["a"], [["一<b>&\n二\x01"]]), "x")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    cell = workbook.active["A2"]
    assert cell.value == "一<b>&\n二"
    assert cell.alignment.wrap_text


def test_csv_is_written_with_a_byte_order_mark():
    built = spreadsheets.csv_file(spreadsheets.sheet(["名"], [["张三"]]), "名单")
    assert built.filename == "名单.csv"
    assert built.data.startswith("\ufeff".encode())
    assert "张三" in built.data.decode("utf-8-sig")
