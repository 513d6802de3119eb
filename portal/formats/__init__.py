"""Per-language date and number formats (FORMAT_MODULE_PATH): day-month-year, 24-hour clock."""
