"""The Ozon client: products, stock (FBO + FBS), orders (postings) and a key check.

Order postings name products by ``sku``/``offer_id``, while exports use Ozon's ``product_id``.
The client remembers the mapping from the products it has seen (``products()`` or the list
passed to ``stock()``, or ``product_ids`` given to the constructor); if ``order_lines()`` runs
first, it reads the product list itself before the postings.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, TypeVar

import httpx

from stock_tracker_desktop.config import OZON_BASE_URL_ENV, base_url_override
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
from stock_tracker_desktop.domain.window import OrderWindow
from stock_tracker_desktop.marketplaces import ozon_api as api
from stock_tracker_desktop.marketplaces.base import ProgressCallback, RequestStats
from stock_tracker_desktop.marketplaces.endpoints import Endpoint
from stock_tracker_desktop.marketplaces.errors import AuthError, MarketplaceError
from stock_tracker_desktop.marketplaces.ozon_models import (
    FboStockList,
    FbsStockPage,
    OzonSellerInfo,
    Posting,
    PostingPage,
    ProductInfo,
    ProductInfoList,
    ProductList,
    Roles,
)
from stock_tracker_desktop.marketplaces.pacing import credential_key
from stock_tracker_desktop.marketplaces.parsing import chunks, progress_or_silence
from stock_tracker_desktop.marketplaces.retry import RetryPolicy
from stock_tracker_desktop.marketplaces.settings import MAX_RATE_LIMIT_WAIT
from stock_tracker_desktop.marketplaces.transport import ApiTransport, Credential

# Postings are listed by creation time, but counted by in_process_at: look a day further back
# so that a posting created just before the window and processed inside it is not missed.
POSTINGS_LOOKBACK = timedelta(days=1)
_POSTING_LISTS = ((api.FBO_POSTINGS, WarehouseType.FBO), (api.FBS_POSTINGS, WarehouseType.FBS))


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class _CursorPage(Protocol):
    """An answer of a listing paged by ``cursor`` while ``has_next``."""

    @property
    def has_next(self) -> bool: ...

    @property
    def cursor(self) -> str: ...


P = TypeVar("P", bound=_CursorPage)


def _ozon_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _product(info: ProductInfo) -> Product:
    skus = dict.fromkeys(sku for sku in (info.sku, *(s.sku for s in info.sources)) if sku)
    return Product(
        product_id=str(info.id),
        vendor_code=info.offer_id,
        name=info.name,
        # /v3/product/info/list carries neither brand nor category name; reading them costs
        # two more methods per product, which a stock sync does not need.
        brand="",
        subject="",
        sizes=tuple(ProductSize(size_id=str(sku), name="", barcodes=info.barcodes) for sku in skus),
    )


def _products_of(answer: ProductInfoList) -> list[Product]:
    return [_product(info) for info in answer.items]


def _warehouse(posting: Posting, kind: WarehouseType) -> str:
    if kind is WarehouseType.FBO:
        return posting.analytics_data.warehouse_name if posting.analytics_data else ""
    return posting.delivery_method.warehouse if posting.delivery_method else ""


def _describe_auth(endpoint: Endpoint, status: int, detail: str) -> Problem:
    return Problem(
        ProblemCode.CREDENTIALS_REFUSED,
        {"marketplace": endpoint.marketplace, "status": status, "detail": said(detail)},
    )


class OzonClient:
    """An Ozon seller account, reached with a Client-Id and an API key."""

    marketplace = Marketplace.OZON
    orders_need_products = True  # postings name SKUs; products() maps them

    def __init__(
        self,
        client_id: str,
        api_key: str,
        *,
        base_url: str | None = None,
        time_factor: float = 1.0,
        product_ids: Mapping[str, str] | None = None,
        http_client: httpx.AsyncClient | None = None,
        retry: RetryPolicy | None = None,
        progress: ProgressCallback | None = None,
        max_rate_limit_wait: float = MAX_RATE_LIMIT_WAIT,
    ) -> None:
        """``product_ids`` maps a SKU (or offer_id) to Ozon's product_id, if already known."""
        self._progress = progress_or_silence(progress)
        self._product_ids: dict[str, str] = dict(product_ids or {})
        base_url = base_url or base_url_override(OZON_BASE_URL_ENV)
        hosts = {api.SELLER_API: base_url.rstrip("/")} if base_url else dict(api.HOSTS)
        self._transport = ApiTransport(
            credential=Credential(
                key=credential_key("ozon", client_id),
                headers={"Client-Id": client_id, "Api-Key": api_key},
                secrets=(api_key, client_id),
            ),
            hosts=hosts,
            limits=api.LIMITS,
            describe_auth=_describe_auth,
            time_factor=time_factor,
            http_client=http_client,
            retry=retry,
            max_rate_limit_wait=max_rate_limit_wait,
        )

    def __repr__(self) -> str:
        return "OzonClient()"

    @property
    def stats(self) -> RequestStats:
        return self._transport.stats

    async def aclose(self) -> None:
        await self._transport.aclose()

    def _remember(self, products: Sequence[Product]) -> None:
        for product in products:
            self._product_ids[product.vendor_code] = product.product_id
            for size in product.sizes:
                self._product_ids[size.size_id] = product.product_id

    # --- products ------------------------------------------------------------------------------

    async def products(self) -> AsyncIterator[list[Product]]:
        last_id = ""
        pages = rows = 0
        while True:
            body = {
                "filter": {"visibility": "ALL"},
                "last_id": last_id,
                "limit": api.PRODUCT_LIST_PAGE,
            }
            answer = await self._transport.call(api.PRODUCT_LIST, ProductList, json_body=body)
            listed = answer.result
            ids = [str(item.product_id) for item in listed.items]
            for chunk in chunks(ids, api.PRODUCT_INFO_CHUNK):
                answer = await self._transport.call(
                    api.PRODUCT_INFO, ProductInfoList, json_body={"product_id": list(chunk)}
                )
                products = await asyncio.to_thread(_products_of, answer)
                self._remember(products)
                pages += 1
                rows += len(products)
                self._progress("products", pages, rows)
                if products:
                    yield products
            if len(listed.items) < api.PRODUCT_LIST_PAGE or not listed.last_id:
                return
            last_id = listed.last_id

    # --- stock ---------------------------------------------------------------------------------

    async def stock(self, products: Sequence[Product]) -> AsyncIterator[list[StockRow]]:
        self._remember(products)
        skus = [size.size_id for product in products for size in product.sizes]
        async for page in self._fbs_stock(skus):
            yield page
        async for page in self._fbo_stock(skus):
            yield page

    async def _fbs_stock(self, skus: Sequence[str]) -> AsyncIterator[list[StockRow]]:
        stage = f"stock:{api.FBS_STOCK.path}"
        pages = rows = 0
        for chunk in chunks(skus, api.FBS_STOCK_CHUNK):
            base = {"sku": list(chunk), "limit": api.FBS_STOCK_PAGE}
            async for answer in self._cursor_pages(api.FBS_STOCK, FbsStockPage, base):
                page = await asyncio.to_thread(self._fbs_rows, answer)  # large pages: off the loop
                pages += 1
                rows += len(page)
                self._progress(stage, pages, rows)
                if page:
                    yield page

    async def _fbo_stock(self, skus: Sequence[str]) -> AsyncIterator[list[StockRow]]:
        stage = f"stock:{api.FBO_STOCK.path}"
        rows = 0
        for pages, chunk in enumerate(chunks(skus, api.FBO_STOCK_CHUNK), start=1):
            answer = await self._transport.call(
                api.FBO_STOCK, FboStockList, json_body={"skus": list(chunk)}
            )
            page = await asyncio.to_thread(self._fbo_rows, answer)
            rows += len(page)
            self._progress(stage, pages, rows)
            if page:
                yield page

    @staticmethod
    def _fbs_rows(answer: FbsStockPage) -> list[StockRow]:
        return [
            StockRow(
                product_id=str(row.product_id),
                size_id=str(row.sku),
                warehouse=row.warehouse_name,
                warehouse_type=WarehouseType.FBS,
                quantity=row.free_stock,
            )
            for row in answer.products
        ]

    def _fbo_rows(self, answer: FboStockList) -> list[StockRow]:
        return [
            StockRow(
                product_id=self._product_ids.get(str(row.sku), ""),
                size_id=str(row.sku),
                warehouse=row.warehouse_name,
                warehouse_type=WarehouseType.FBO,
                quantity=row.available_stock_count,
                in_transit_returns=row.return_from_customer_stock_count,
            )
            for row in answer.items
        ]

    # --- orders --------------------------------------------------------------------------------

    async def order_lines(self, window: OrderWindow) -> AsyncIterator[list[OrderLine]]:
        if not self._product_ids:
            async for _ in self.products():
                pass  # fills the SKU -> product_id table
        for endpoint, kind in _POSTING_LISTS:
            async for page in self._postings(endpoint, kind, window):
                yield page

    async def _postings(
        self, endpoint: Endpoint, kind: WarehouseType, window: OrderWindow
    ) -> AsyncIterator[list[OrderLine]]:
        base = {
            "filter": {
                "since": _ozon_time(window.start - POSTINGS_LOOKBACK),
                "to": _ozon_time(window.end),
            },
            "limit": api.POSTINGS_PAGE,
            "sort_dir": "ASC",
            "with": {"analytics_data": kind is WarehouseType.FBO},
        }
        pages = rows = 0
        stage = f"orders:{kind.value.lower()}"
        async for page in self._cursor_pages(endpoint, PostingPage, base):
            lines = [
                line
                for posting in page.postings
                if window.contains(_utc(posting.in_process_at))
                for line in self._lines(posting, kind)
            ]
            pages += 1
            rows += len(lines)
            self._progress(stage, pages, rows)
            if lines:
                yield lines

    async def _cursor_pages(
        self, endpoint: Endpoint, shape: type[P], base: dict[str, Any]
    ) -> AsyncIterator[P]:
        """Every page of a cursor listing. Only ``has_next`` ends it: a page may hold fewer
        items than the limit, or none at all, while more follow."""
        cursor = ""
        while True:
            body = {**base, "cursor": cursor} if cursor else base
            page = await self._transport.call(endpoint, shape, json_body=body)
            yield page
            if not page.has_next:
                return
            if not page.cursor or page.cursor == cursor:
                raise MarketplaceError(Problem(ProblemCode.CURSOR_STUCK), endpoint=endpoint.label)
            cursor = page.cursor

    def _lines(self, posting: Posting, kind: WarehouseType) -> list[OrderLine]:
        warehouse = _warehouse(posting, kind)
        ids = self._product_ids
        return [
            OrderLine(
                line_id=f"{posting.posting_number}:{item.sku}",
                product_id=ids.get(str(item.sku)) or ids.get(item.offer_id, ""),
                warehouse=warehouse,
                warehouse_type=kind,
                ordered_at=_utc(posting.in_process_at),
                quantity=item.quantity,
                cancelled=posting.status == api.CANCELLED,
            )
            for item in posting.products
        ]

    # --- connection check ----------------------------------------------------------------------

    async def seller_info(self) -> SellerInfo | None:
        """The seller's name from ``/v1/seller/info``; raises what the call raised (a key
        without the right role is refused)."""
        answer = await self._transport.call(api.SELLER_INFO, OzonSellerInfo, json_body={})
        company = answer.company
        return SellerInfo(name=company.name or company.legal_name, seller_id=company.inn)

    async def _roles(self) -> Roles:
        # The spec declares no request body: an empty object keeps it a JSON POST like the rest.
        return await self._transport.call(api.ROLES, Roles, json_body={})

    async def credentials_expire_at(self) -> datetime | None:
        """When the API key expires, from ``/v1/roles`` (keys are valid for six months); None
        when the answer does not say. Raises what the call raised: AuthError when the key is
        refused, MalformedResponse when ``expires_at`` is not an RFC 3339 date-time."""
        return (await self._roles()).expires_at

    async def check_connection(self) -> ConnectionReport:
        """``/v1/roles`` proves the key works and says when it expires; the name comes from
        ``/v1/seller/info`` when the key may read it."""
        try:
            roles = await self._roles()
        except AuthError as exc:
            refusal = exc.call_problem
            return ConnectionReport(seller=None, problems=(refusal,), refusal=refusal)
        except MarketplaceError as exc:
            return ConnectionReport(seller=None, problems=(exc.call_problem,))
        problems: list[Problem] = []
        seller = None
        try:
            seller = await self.seller_info()
        except MarketplaceError as exc:
            problems.append(exc.call_problem)
        return ConnectionReport(
            seller=seller,
            granted=tuple(role.name for role in roles.roles),
            expires_at=roles.expires_at,
            problems=tuple(problems),
        )
