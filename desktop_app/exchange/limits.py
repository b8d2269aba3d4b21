"""The limits of what an xlsx file may hold, each with its reason (docs/data-safety.md).

A file within them is read whole — every row present, every character of every cell — and the
memory it takes stays bounded; a file past one of them is refused before memory grows, with a
Russian message naming the file, the part (sheet) and, where there is one, the row and column.
"""

from __future__ import annotations

MIB = 1024 * 1024

# The file as it lies on disk. The region's exchange book (1,6 million answers) is 42 MB.
MAX_FILE_BYTES = 50 * MIB

# All parts unpacked. The region's exchange book unpacks to 580 MB; its sheets are streamed
# row by row, so this bounds the work, not the memory.
MAX_UNPACKED_BYTES = 1024 * MIB

# How many times a sheet or a shared strings table may unpack larger than it is stored, checked
# for parts of more than RATIO_FROM_BYTES before anything is opened. Real sheets compress 10–45
# times (measured: the region's exchange book, at most 45 times; the same book saved again by
# LibreOffice, 19; 300 000 rows of one repeated number, 16–22; 100 000 formatted empty rows, 16);
# a run of one repeated character — a zip bomb — compresses about 1 000 times.
MAX_RATIO = 200
RATIO_FROM_BYTES = 1 * MIB

# Parts that openpyxl reads whole into memory (styles, the workbook, relations, the theme,
# properties): a real one is far below a megabyte, Excel's «style bloat» reaches a few.
MAX_PART_BYTES = 16 * MIB

# The shared strings table (xl/sharedStrings.xml) is held whole in memory while the sheets are
# read: 2,4 times its size for names and notes, up to 4 times for one-letter strings. The
# region's exchange book saved again by LibreOffice (every text of 30 000 people and 1,6 million
# answers) needs 4,2 MB; openpyxl writes none.
MAX_SHARED_STRINGS_BYTES = 64 * MIB

# The longest run of the XML between two marks «<» or «>»: a text (a cell's value, a shared
# string, spaces between tags) or a tag. A cell holds at most CELL_TEXT_LIMIT characters, which
# is at most 330 KB even written as character references («&#x10FFFF;», 10 bytes each). The XML
# parser keeps a whole run in memory, so a longer one is refused while it is read.
MAX_RUN_BYTES = 1 * MIB

# Marks «<» (tags, opening and closing) within one row of a sheet (and before the first row,
# and after the last one: merged ranges, hyperlinks): a row has at most 16 384 columns (Excel's
# limit), a cell 4–6 marks («<c><v>1</v></c>»), so a full row of numbers has 65 536, of text
# 98 304. A row is parsed whole before it is read: a row with millions of cells is refused
# while it is read; one just under the limit takes at most 110 MB (199 000 empty cells). A
# string of the shared strings table counts the same way.
MAX_ROW_TAGS = 200_000

# Characters in one cell: Excel's limit. Longer text would be cut by the next export (openpyxl
# and Excel cut it without a word), so it is refused when read, when typed and when exported.
CELL_TEXT_LIMIT = 32_767

# Rows of a blank form (filled in by an ОО): a region has 30 000 people.
MAX_FORM_ROWS = 200_000

# Rows of a sheet: Excel's and LibreOffice's limit. A row numbered past it is not a real sheet.
SHEET_ROWS = 1_048_576

# Merged ranges of a form's sheet, kept to check that none covers the columns read: a real form
# has a few (a title over the table), and one over the data refuses it anyway.
MAX_MERGED_RANGES = 100_000

# Cells of a sheet as the reader holds it: every cell from the first one filled to the last one,
# empty ones included (python-calamine keeps a sheet as a rectangle, 32 bytes a cell). The
# region's answers sheet is 1 048 576 rows of 3 columns; a blank form of 200 000 rows of 80
# columns fits. A cell far from the others (XFD1048576 beside A1: 17 billion cells) is refused
# before the sheet is read: memory for the rectangle would run out.
MAX_SHEET_CELLS = 16 * MIB
