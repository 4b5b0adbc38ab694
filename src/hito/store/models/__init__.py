"""The tables of the service (SQLAlchemy 2 typed declarative models), one module a family."""

from hito.store.models.alerts import (
    DELIVERY_STATES,
    FORECAST_STATES,
    FORECAST_UNFINISHED,
    Alert,
    Delivery,
    Forecast,
    ForecastRefresh,
    StoredPlan,
    Subscription,
)
from hito.store.models.base import NAMING, Base
from hito.store.models.log import LogHead, LogKeyRecord, LogLeaf, LogPending, LogRejected
from hito.store.models.people import ROLES, Agency, Country, LoginThrottle, Token, User
from hito.store.models.reports import FieldReport, ReportCount, SmsMessage, SmsSender, open_ended
from hito.store.models.sites import Shelter, ShelterUpdate, Site, SiteStatusChange

__all__ = [
    "Agency",
    "Alert",
    "Base",
    "Country",
    "DELIVERY_STATES",
    "Delivery",
    "FORECAST_STATES",
    "FORECAST_UNFINISHED",
    "FieldReport",
    "Forecast",
    "ForecastRefresh",
    "LogHead",
    "LogKeyRecord",
    "LogLeaf",
    "LogPending",
    "LogRejected",
    "LoginThrottle",
    "NAMING",
    "ROLES",
    "ReportCount",
    "Shelter",
    "ShelterUpdate",
    "Site",
    "SiteStatusChange",
    "SmsMessage",
    "SmsSender",
    "StoredPlan",
    "Subscription",
    "Token",
    "User",
    "open_ended",
]
