"""CME Globex sessions from pandas-market-calendars: holidays, early closes, daylight-saving changes."""
