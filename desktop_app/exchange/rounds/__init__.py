"""The collection round: a workbook per ОО with its own data (write), its return read and
compared with what was sent and with the database now (review), and applied (apply)."""
