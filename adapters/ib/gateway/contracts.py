"""Contract requests: reqContractDetails (9) and reqSecDefOptParams (78)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.ib.gateway.catalog import ContractQuery, ContractSpec, details_fields, sec_def_opt_params_fields
from adapters.ib.gateway.codec import Fields

if TYPE_CHECKING:
    from adapters.ib.gateway.session import ClientSession

NO_DEFINITION = "No security definition has been found for the request"


def read_contract(f: Fields) -> ContractQuery:
    """The 12 contract fields ib_async sends (conId ... tradingClass), normalised to upper case."""
    con_id = f.int("conId")
    symbol = f.str("symbol").upper()
    sec_type = f.str("secType").upper()
    last_trade = f.str("lastTradeDateOrContractMonth").replace("-", "").split(" ")[0]
    strike = f.float("strike", 0.0) or 0.0
    right = f.str("right").upper()
    right = "" if right == "?" else right
    multiplier = f.str("multiplier")
    exchange = f.str("exchange").upper()
    primary = f.str("primaryExchange").upper()
    currency = f.str("currency").upper()
    local_symbol = f.str("localSymbol").upper()
    trading_class = f.str("tradingClass").upper()
    return ContractQuery(con_id, symbol, sec_type, last_trade, strike, right, multiplier, exchange, primary,
                         currency, local_symbol, trading_class)


def resolve_one(session: ClientSession, query: ContractQuery) -> ContractSpec | None:
    """The single contract a market-data or order request names (None when zero or several match)."""
    found = session.gateway.catalog.match(query, limit=3)
    if len(found) > 1 and query.sec_type:
        found = [s for s in found if s.sec_type == query.sec_type]
    return found[0] if len(found) == 1 else None


def resolve_or_refuse(session: ClientSession, req_id: int, query: ContractQuery) -> ContractSpec | None:
    """``resolve_one``, answering error 200 (no security definition) for ``req_id`` when it finds none."""
    spec = resolve_one(session, query)
    if spec is None:
        session.send_error(req_id, 200, NO_DEFINITION)
    return spec


def req_contract_details(session: ClientSession, f: Fields) -> None:
    """9|8|reqId|C12|includeExpired|secIdType|secId|issuerId -> contractDetails* + end, or error 200."""
    f.skip()  # version
    req_id = f.int("reqId")
    query = read_contract(f)
    found = session.gateway.catalog.match(query)
    if not found:
        session.send_error(req_id, 200, NO_DEFINITION)
        return
    today = session.gateway.catalog.today
    for spec in found:
        session.send(details_fields(req_id, spec, today, query.exchange))
    session.send([52, 1, req_id])


def req_sec_def_opt_params(session: ClientSession, f: Fields) -> None:
    """78|reqId|underlyingSymbol|futFopExchange|underlyingSecType|underlyingConId -> 75* + 76."""
    req_id = f.int("reqId")
    symbol = f.str("underlyingSymbol").upper()
    for message in sec_def_opt_params_fields(req_id, session.gateway.catalog, symbol):
        session.send(message)
