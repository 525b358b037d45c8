# Tibetan date formats (Django ships none: without these, Tibetan pages fell back to Chinese month names).
# Numeric months read the same in every prefecture: "2026 ལོའི་ཟླ་ 12 ཚེས་ 3".
DATE_FORMAT = "Y ལོའི་ཟླ་ n ཚེས་ j"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y ལོའི་ཟླ་ n ཚེས་ j H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "ཟླ་ n ཚེས་ j"
YEAR_MONTH_FORMAT = "Y ལོའི་ཟླ་ n"
FIRST_DAY_OF_WEEK = 1
DATE_INPUT_FORMATS = ["%Y-%m-%d"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"]
