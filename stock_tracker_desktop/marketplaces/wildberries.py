"""The Wildberries client: products, stock (FBO + FBS), orders and a token check.

Paths, hosts and limits live in :mod:`wildberries_api`; answer shapes in
:mod:`wildberries_models`. Sandbox tenants use WB's ``-sandbox`` hosts; seller-analytics-api and
common-api have no sandbox twin, so in sandbox mode FBO stock and the seller's name are not
available: ``stock()`` yields FBS stock and then raises a MarketplaceError for the FBO part, and
``check_connection()`` reports the gap as a problem instead of calling production with a sandbox
token.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from urllib.parse import urlsplit

import httpx

from stock_tracker_desktop.config import WB_BASE_URL_ENV, base_url_override
from stock_tracker_desktop.domain.models import (
    ConnectionReport,
    Marketplace,
    OrderLine,
    Product,
    ProductSize,
    SellerInfo,
    StockRow,
    WarehouseType,
)
from stock_tracker_desktop.domain.problems import Problem, ProblemCode, said
from stock_tracker_desktop.domain.wb_token import (
    REQUIRED_CATEGORIES,
    TokenFormatError,
    WbTokenInfo,
    parse_wb_token,
)
from stock_tracker_desktop.domain.window import MOSCOW, OrderWindow
from stock_tracker_desktop.marketplaces import wildberries_api as api
from stock_tracker_desktop.marketplaces.base import ProgressCallback, RequestStats
from stock_tracker_desktop.marketplaces.endpoints import Endpoint
from stock_tracker_desktop.marketplaces.errors import (
    AuthError,
    EndpointRetired,
    MarketplaceError,
)
from stock_tracker_desktop.marketplaces.pacing import credential_key
from stock_tracker_desktop.marketplaces.parsing import chunks, progress_or_silence
from stock_tracker_desktop.marketplaces.retry import RetryPolicy
from stock_tracker_desktop.marketplaces.settings import MAX_RATE_LIMIT_WAIT
from stock_tracker_desktop.marketplaces.transport import (
    ApiTransport,
    Credential,
    large_answer_gate,
)
from stock_tracker_desktop.marketplaces.wildberries_models import (
    Card,
    CardsPage,
    OrderRow,
    RemainsCreated,
    RemainsRow,
    RemainsStatus,
    SellerStocks,
    SellerWarehouse,
    WbSellerInfo,
    WbWarehouseStock,
    WbWarehouseStockPage,
)

_MOSCOW_FORMAT = "%Y-%m-%dT%H:%M:%S"
# Why the token is not a JWT (TokenFormatError's text) is left out: what to do is the same, and
# the whole sentence can then be said in the reader's language.
_UNREADABLE = Problem(ProblemCode.TOKEN_UNREADABLE)


def moscow_time(text: str) -> datetime:
    """WB's statistics times are Moscow time without an offset; honour one if present."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=MOSCOW)


def _product(card: Card) -> Product:
    return Product(
        product_id=str(card.nmID),
        vendor_code=card.vendorCode,
        name=card.title,
        brand=card.brand,
        subject=card.subjectName,
        sizes=tuple(
            ProductSize(size_id=str(size.chrtID), name=size.techSize, barcodes=tuple(size.skus))
            for size in card.sizes
        ),
    )


def _order_line(row: OrderRow) -> OrderLine:
    kind = WarehouseType.FBS if row.warehouseType == api.SELLER_WAREHOUSE else WarehouseType.FBO
    return OrderLine(
        line_id=row.srid,
        product_id=str(row.nmId),
        warehouse=row.warehouseName,
        warehouse_type=kind,
        ordered_at=moscow_time(row.date),
        quantity=1,
        cancelled=row.isCancel,
    )


class WildberriesClient:
    """A Wildberries seller account, reached with one API token."""

    marketplace = Marketplace.WILDBERRIES
    orders_need_products = False  # order rows carry the nmID itself

    def __init__(
        self,
        token: str,
        *,
        sandbox: bool = False,
        base_url: str | None = None,
        time_factor: float = 1.0,
        http_client: httpx.AsyncClient | None = None,
        retry: RetryPolicy | None = None,
        progress: ProgressCallback | None = None,
        max_rate_limit_wait: float = MAX_RATE_LIMIT_WAIT,
    ) -> None:
        self._sandbox = sandbox
        self._time_factor = time_factor
        self._progress = progress_or_silence(progress)
        self._token_info = self._read_token(token)
        self._seller: SellerInfo | None = None
        base_url = base_url or base_url_override(WB_BASE_URL_ENV)
        self._hosts, host_headers = self._host_table(base_url)
        self._transport = ApiTransport(
            credential=Credential(
                key=credential_key("wildberries", token),
                headers={"Authorization": token},
                secrets=(token,),
            ),
            hosts=self._hosts,
            limits=api.LIMITS,
            describe_auth=self._describe_auth,
            time_factor=time_factor,
            http_client=http_client,
            retry=retry,
            max_rate_limit_wait=max_rate_limit_wait,
            host_headers=host_headers,
        )

    def __repr__(self) -> str:
        return f"WildberriesClient(sandbox={self._sandbox})"

    @property
    def stats(self) -> RequestStats:
        return self._transport.stats

    async def aclose(self) -> None:
        await self._transport.aclose()

    # --- setup -------------------------------------------------------------------------------

    @staticmethod
    def _read_token(token: str) -> WbTokenInfo | None:
        """The token's claims; None for a text that is no WB token (see _UNREADABLE)."""
        try:
            return parse_wb_token(token)
        except TokenFormatError:
            return None

    def _host_table(self, base_url: str | None) -> tuple[dict[str, str], dict[str, str]]:
        """Host key -> URL to connect to, and -> Host header to send when redirected."""
        real = api.SANDBOX_HOSTS if self._sandbox else api.HOSTS
        if not base_url:
            return dict(real), {}
        target = base_url.rstrip("/")
        return (
            {host: target for host in real},
            {host: urlsplit(url).netloc for host, url in real.items()},
        )

    def _has_host(self, host: str) -> bool:
        return host in self._hosts

    def _describe_auth(self, endpoint: Endpoint, status: int, detail: str) -> Problem:
        """Say precisely why WB refused the token, from the token's own claims first."""
        info = self._token_info
        if info is None:
            return _UNREADABLE
        if info.expired() and info.expires_at is not None:
            # The day in UTC, as the claim says it; the reader words the date.
            return Problem(ProblemCode.TOKEN_EXPIRED, {"date": info.expires_at.date()})
        if info.sandbox and not self._sandbox:
            return Problem(ProblemCode.SANDBOX_TOKEN_ON_PRODUCTION)
        if self._sandbox and not info.sandbox:
            return Problem(ProblemCode.PRODUCTION_TOKEN_ON_SANDBOX)
        category = api.HOST_CATEGORY.get(endpoint.host)
        if category and category not in info.categories:
            return Problem(ProblemCode.TOKEN_LACKS_CATEGORY, {"category": category})
        return Problem(ProblemCode.TOKEN_REFUSED, {"status": status, "detail": said(detail)})

    # --- products ------------------------------------------------------------------------------

    async def products(self) -> AsyncIterator[list[Product]]:
        cursor: dict[str, object] = {"limit": api.CARDS_PAGE}
        seen: set[int] = set()
        pages = rows = 0
        while True:
            body = {
                "settings": {
                    "sort": {"ascending": True},
                    "cursor": cursor,
                    "filter": {"withPhoto": -1},
                }
            }
            page = await self._transport.call(api.CARDS_LIST, CardsPage, json_body=body)
            fresh = [card for card in page.cards if card.nmID not in seen]
            seen.update(card.nmID for card in fresh)
            pages += 1
            rows += len(fresh)
            self._progress("products", pages, rows)
            if fresh:
                yield [_product(card) for card in fresh]
            # The spec's end condition: the answer's total is below the limit we asked for.
            if page.cursor.total < api.CARDS_PAGE or not page.cards:
                return
            cursor = {
                "limit": api.CARDS_PAGE,
                "updatedAt": page.cursor.updatedAt,
                "nmID": page.cursor.nmID,
            }

    # --- stock ---------------------------------------------------------------------------------

    async def stock(self, products: Sequence[Product]) -> AsyncIterator[list[StockRow]]:
        async for page in self._fbs_stock(products):
            yield page
        if not self._has_host(api.ANALYTICS):
            raise MarketplaceError(
                Problem(ProblemCode.NO_SANDBOX_FBO_STOCK), endpoint=api.WB_WAREHOUSE_STOCKS.label
            )
        async for page in self._fbo_stock(products):
            yield page

    async def _fbo_stock(self, products: Sequence[Product]) -> AsyncIterator[list[StockRow]]:
        offset = pages = 0
        while True:
            # A page holds up to 250,000 rows: bounded process-wide from request until its rows
            # are built. Not held across the yield: a caller that stops iterating would keep
            # the permit until this generator is collected.
            async with large_answer_gate():
                page = await self._fbo_page(offset)
            if page is None:
                break
            pages += 1
            offset += len(page)
            self._progress("stock:fbo", pages, offset)
            if page:
                yield page
            if len(page) < api.WB_WAREHOUSE_STOCKS_PAGE:
                return
        # Tokens that may not call the new method (e.g. Base tokens without a secret) can
        # still order the older asynchronous report.
        async for report_page in self._fbo_stock_from_report(products):
            yield report_page

    async def _fbo_page(self, offset: int) -> list[StockRow] | None:
        """One page of stock on WB warehouses; None when the method is refused to this token
        on the first page (the report is the way then)."""
        body = {"limit": api.WB_WAREHOUSE_STOCKS_PAGE, "offset": offset}
        try:
            answer = await self._transport.call(
                api.WB_WAREHOUSE_STOCKS, WbWarehouseStockPage, json_body=body
            )
        except (AuthError, EndpointRetired):
            if offset:
                raise
            return None
        return await asyncio.to_thread(_fbo_rows, answer.data.items)

    async def _fbo_stock_from_report(
        self, products: Sequence[Product]
    ) -> AsyncIterator[list[StockRow]]:
        params = {"groupByNm": "true", "groupByBarcode": "true", "groupBySize": "true"}
        created = await self._transport.call(api.REMAINS_CREATE, RemainsCreated, params=params)
        task = {"task_id": created.data.taskId}
        await self._await_report(task)
        async with large_answer_gate():
            report = await self._transport.call(
                api.REMAINS_DOWNLOAD, list[RemainsRow] | None, path_params=task
            )
            resolver = _SizeResolver(products)
            stock = [row for line in report or () for row in _remains_rows(line, resolver)]
            del report
        self._progress("stock:fbo", 1, len(stock))
        if stock:
            yield stock

    async def _await_report(self, task: dict[str, object]) -> None:
        """Poll the report task at the pace its limit allows, a bounded number of times."""
        pause = api.LIMITS[api.REMAINS_STATUS.group].refill_interval * self._time_factor
        for poll in range(api.REMAINS_MAX_POLLS):
            if poll:
                await asyncio.sleep(pause)
            answer = await self._transport.call(api.REMAINS_STATUS, RemainsStatus, path_params=task)
            status = answer.data.status
            if status == api.REMAINS_DONE:
                return
            if status in api.REMAINS_FAILED:
                # WB's own word for what became of it ("purged", "canceled").
                raise MarketplaceError(
                    Problem(ProblemCode.STOCK_REPORT_DROPPED, {"detail": status}),
                    endpoint=api.REMAINS_STATUS.label,
                )
        raise MarketplaceError(
            Problem(ProblemCode.STOCK_REPORT_NOT_READY, {"checks": api.REMAINS_MAX_POLLS}),
            endpoint=api.REMAINS_STATUS.label,
        )

    async def _fbs_stock(self, products: Sequence[Product]) -> AsyncIterator[list[StockRow]]:
        owner = {size.size_id: product.product_id for product in products for size in product.sizes}
        chrt_ids = [int(size_id) for size_id in owner]
        warehouses = await self._transport.call(api.SELLER_WAREHOUSES, list[SellerWarehouse])
        pages = rows = 0
        for warehouse in warehouses:
            for chunk in chunks(chrt_ids, api.SELLER_STOCKS_CHUNK):
                answer = await self._transport.call(
                    api.SELLER_STOCKS,
                    SellerStocks,
                    path_params={"warehouse_id": warehouse.id},
                    json_body={"chrtIds": list(chunk)},
                )
                stocks = answer.stocks
                page = [
                    StockRow(
                        product_id=owner[str(stock.chrtId)],
                        size_id=str(stock.chrtId),
                        warehouse=warehouse.name,
                        warehouse_type=WarehouseType.FBS,
                        quantity=stock.amount,
                    )
                    for stock in stocks
                    if str(stock.chrtId) in owner
                ]
                pages += 1
                rows += len(page)
                self._progress("stock:fbs", pages, rows)
                if page:
                    yield page

    # --- orders --------------------------------------------------------------------------------

    async def order_lines(self, window: OrderWindow) -> AsyncIterator[list[OrderLine]]:
        """Rows changed since the window began, paged by lastChangeDate, each srid once.

        A row's lastChangeDate can be recent while its order date is old (a late cancellation):
        such rows are read but not yielded, as the window is about the order date.
        """
        date_from = window.start.astimezone(MOSCOW).strftime(_MOSCOW_FORMAT)
        # Only rows at the page boundary can come again (see below): their ids are all that is
        # remembered, not every id of the history.
        peers: set[str] = set()
        pages = rows = 0
        while True:
            params: dict[str, str | int] = {"dateFrom": date_from, "flag": 0}
            # Up to 80,000 rows a page: the transport validates large answers off the loop.
            batch = await self._transport.call(api.SUPPLIER_ORDERS, list[OrderRow], params=params)
            fresh = [row for row in batch if row.srid not in peers]
            if not fresh:
                return
            last = batch[-1].lastChangeDate
            at_last = {row.srid for row in batch if row.lastChangeDate == last}
            peers = peers | at_last if last == date_from else at_last
            lines = await asyncio.to_thread(_lines_in_window, fresh, window)
            pages += 1
            rows += len(lines)
            self._progress("orders", pages, rows)
            if lines:
                yield lines
            # The next page starts at the last row's full timestamp and repeats its peers.
            date_from = batch[-1].lastChangeDate

    # --- connection check ----------------------------------------------------------------------

    async def check_connection(self) -> ConnectionReport:
        info = self._token_info
        if info is None:
            return ConnectionReport(
                seller=None, missing=REQUIRED_CATEGORIES, problems=(_UNREADABLE,)
            )
        problems: list[Problem] = []
        refused: set[str] = set()
        pinged = 0
        refusals: list[Problem] = []  # what each refused ping said
        for host, category in api.HOST_CATEGORY.items():
            if not self._has_host(host):
                refused.add(category)
                problems.append(Problem(ProblemCode.NO_SANDBOX_CATEGORY, {"category": category}))
                continue
            pinged += 1
            try:
                await self._transport.call(api.PING[host])
            except AuthError as exc:
                refused.add(category)
                problems.append(exc.call_problem)
                refusals.append(exc.call_problem)
            except MarketplaceError as exc:
                problems.append(exc.call_problem)
        granted = tuple(name for name in info.categories if name not in refused)
        missing = tuple(name for name in REQUIRED_CATEGORIES if name not in granted)
        seller = None
        token_refused: Problem | None = None
        if not self._has_host(api.COMMON):
            problems.append(Problem(ProblemCode.NO_SANDBOX_SELLER_NAME))
        try:
            seller = await self.seller_info()
        except AuthError as exc:  # seller-info lets in a token of any category: not this one
            token_refused = exc.call_problem
            problems.append(token_refused)
        except MarketplaceError as exc:
            problems.append(exc.call_problem)
        if not self._has_host(api.COMMON) and pinged and len(refusals) == pinged:
            token_refused = refusals[0]  # no seller-info in the sandbox: every host refused it
        return ConnectionReport(
            seller=seller,
            granted=granted,
            missing=missing,
            expires_at=info.expires_at,
            problems=tuple(dict.fromkeys(problems)),
            refusal=token_refused,
        )

    async def credentials_expire_at(self) -> datetime | None:
        """The token's ``exp`` claim, read without a request (WB signs it into the JWT); None
        for a token without one. A text that is no WB token raises AuthError, as WB would
        refuse it, with the same words the connection check uses."""
        info = self._token_info
        if info is None:
            raise AuthError(_UNREADABLE)
        return info.expires_at

    async def seller_info(self) -> SellerInfo | None:
        """The seller's name (cached); None in the sandbox, which has no such call. Raises what
        the call raised."""
        if self._seller is None and self._has_host(api.COMMON):
            answer = await self._transport.call(api.SELLER_INFO, WbSellerInfo)
            self._seller = SellerInfo(
                name=answer.name, seller_id=answer.sid, trade_mark=answer.tradeMark
            )
        return self._seller


def _fbo_rows(items: Sequence[WbWarehouseStock]) -> list[StockRow]:
    return [
        StockRow(
            product_id=str(item.nmId),
            size_id=str(item.chrtId),
            warehouse=item.warehouseName,
            warehouse_type=WarehouseType.FBO,
            quantity=item.quantity,
            in_transit_to_customers=item.inWayToClient,
            in_transit_returns=item.inWayFromClient,
        )
        for item in items
    ]


def _lines_in_window(rows: list[OrderRow], window: OrderWindow) -> list[OrderLine]:
    return [line for line in map(_order_line, rows) if window.contains(line.ordered_at)]


class _SizeResolver:
    """Finds a size's chrtID for report rows that name it only by barcode or size name."""

    def __init__(self, products: Sequence[Product]) -> None:
        self._by_barcode: dict[tuple[str, str], str] = {}
        self._by_name: dict[tuple[str, str], str] = {}
        for product in products:
            for size in product.sizes:
                self._by_name.setdefault((product.product_id, size.name), size.size_id)
                for barcode in size.barcodes:
                    self._by_barcode[(product.product_id, barcode)] = size.size_id

    def size_id(self, product_id: str, barcode: str, size_name: str) -> str:
        return self._by_barcode.get((product_id, barcode)) or self._by_name.get(
            (product_id, size_name), ""
        )


def _remains_rows(row: RemainsRow, resolver: _SizeResolver) -> list[StockRow]:
    """Real warehouses of one report row; the in-transit pseudo-rows become one extra row.

    The report gives in-transit figures per size, not per warehouse; rather than spreading them
    over warehouses (inventing data), they are carried on a row with an empty warehouse name and
    quantity 0, which adds them to the product's totals and to no warehouse.
    """
    product_id = str(row.nmId)
    size_id = resolver.size_id(product_id, row.barcode, row.techSize)
    stock: list[StockRow] = []
    to_customers = returns = 0
    for entry in row.warehouses:
        if entry.warehouseName == api.IN_TRANSIT_TO_CUSTOMERS:
            to_customers += entry.quantity
        elif entry.warehouseName == api.IN_TRANSIT_RETURNS:
            returns += entry.quantity
        elif entry.warehouseName != api.TOTAL_ON_WAREHOUSES:
            stock.append(
                StockRow(
                    product_id, size_id, entry.warehouseName, WarehouseType.FBO, entry.quantity
                )
            )
    if to_customers or returns:
        stock.append(StockRow(product_id, size_id, "", WarehouseType.FBO, 0, to_customers, returns))
    return stock
