"""Exchange calendars built from pandas-market-calendars into the core's pure SessionCalendar."""
