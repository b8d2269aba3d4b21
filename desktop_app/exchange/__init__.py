"""Excel in and out (openpyxl, no Qt): blank forms, checked imports, the exchange workbook."""
