"""The main pages of each role, for the Content-Security-Policy checks (server side and in the browser)."""

PUBLIC = ["home", "public:directory", "public:stations", "public:track", "public:outcomes", "login"]
DEPUTY = ["me:home", "me:activity_new", "me:suggestions", "me:suggestion_new", "me:opinions", "me:duty_days"]
STAFF = [
    "staff:home",
    "staff:directory",
    "staff:activities",
    "staff:stations",
    "staff:station_statistics",
    "staff:opinions",
    "staff:duty_days",
    "staff:suggestions",
    "staff:dashboard",
    "password_change",
    "admin:index",
]
CLERK = ["unit:home", "unit:opinions", "unit:suggestions"]
