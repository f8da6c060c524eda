<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru_RU">
<context>
    <name>HistoryModel</name>
    <message>
        <location filename="../../ui/history_model.py" line="+144"/>
        <source>Started</source>
        <translation>Начало</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Seller</source>
        <translation>Продавец</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Status</source>
        <translation>Статус</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Duration</source>
        <translation>Длительность</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Started by</source>
        <translation>Запуск</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Products</source>
        <translation>Товары</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stock rows</source>
        <translation>Строк остатков</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Orders</source>
        <translation>Заказы</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Requests</source>
        <translation>Запросы</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>429s</source>
        <translation>429</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Answers “too many requests” (HTTP 429) the sync waited out</source>
        <translation>Ответы «слишком много запросов» (HTTP 429), которые синхронизация переждала</translation>
    </message>
</context>
<context>
    <name>HistoryView</name>
    <message>
        <location filename="../../ui/history_view.py" line="+270"/>
        <source>Show the runs of one seller</source>
        <translation>Показать запуски одного продавца</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>All sellers</source>
        <translation>Все продавцы</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Any status</source>
        <translation>Любой статус</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Last 24 hours</source>
        <translation>Последние 24 часа</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last 7 days</source>
        <translation>Последние 7 дней</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last 30 days</source>
        <translation>Последние 30 дней</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>All time</source>
        <translation>За всё время</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Custom range…</source>
        <translation>Свой период…</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Refresh</source>
        <translation>Обновить</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Seller:</source>
        <translation>Продавец:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Status:</source>
        <translation>Статус:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Period:</source>
        <translation>Период:</translation>
    </message>
    <message numerus="yes">
        <location line="+108"/>
        <source>%Ln run(s)</source>
        <translation>
            <numerusform>%Ln запуск</numerusform>
            <numerusform>%Ln запуска</numerusform>
            <numerusform>%Ln запусков</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RunDetails</name>
    <message>
        <location line="-298"/>
        <source>Started</source>
        <translation>Начало</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Finished</source>
        <translation>Окончание</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Duration</source>
        <translation>Длительность</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Started by</source>
        <translation>Запуск</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Products</source>
        <translation>Товаров</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stock rows</source>
        <translation>Строк остатков</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Orders in the window</source>
        <translation>Заказов за период</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>API requests</source>
        <translation>Запросов к API</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rate limited (HTTP 429)</source>
        <translation>Отказов по лимиту (HTTP 429)</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Stages</source>
        <translation>Этапы</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Stage</source>
        <translation>Этап</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Seconds</source>
        <translation>Секунд</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Rows</source>
        <translation>Строк</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Retry this sync</source>
        <translation>Повторить синхронизацию</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sync this seller again now</source>
        <translation>Синхронизировать этого продавца ещё раз</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Select a run to see its details.</source>
        <translation>Выберите запуск, чтобы увидеть подробности.</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>still running</source>
        <translation>ещё выполняется</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>The sync failed at the “{stage}” stage.</source>
        <translation>Синхронизация прервалась на этапе «{stage}».</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The sync was cancelled.</source>
        <translation>Синхронизация отменена.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The sync was interrupted.</source>
        <translation>Синхронизация была прервана.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Part of the sync failed.</source>
        <translation>Часть синхронизации не удалась.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Request: {endpoint}</source>
        <translation>Запрос: {endpoint}</translation>
    </message>
</context>
<context>
    <name>StockChart</name>
    <message>
        <location filename="../../ui/chart.py" line="+47"/>
        <source>Select a product to see its stock over past syncs</source>
        <translation>Выберите товар, чтобы увидеть, как менялись его остатки</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>No snapshots of this product yet</source>
        <translation>По этому товару ещё нет снимков</translation>
    </message>
</context>
<context>
    <name>StockModel</name>
    <message>
        <location filename="../../ui/stock_model.py" line="+176"/>
        <source>(in transit)</source>
        <translation>(в пути)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Goods on their way, not counted on any warehouse yet</source>
        <translation>Товар в пути, пока не числится ни на одном складе</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Low stock: {days:g} days of stock or less, or none left with orders</source>
        <translation>Мало остатков: запаса на {days:g} дн. или меньше либо товар закончился при наличии заказов</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Brand</source>
        <translation>Бренд</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Subject</source>
        <translation>Предмет</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Vendor code</source>
        <translation>Артикул продавца</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Product ID</source>
        <translation>Артикул МП</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Name</source>
        <translation>Наименование</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Warehouse</source>
        <translation>Склад</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Type</source>
        <translation>Тип</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Total stock</source>
        <translation>Остатки (всего)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Stock</source>
        <translation>Остатки</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>To customers</source>
        <translation>К покупателям</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Returns in transit</source>
        <translation>Возвраты в пути</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Orders ({days} d)</source>
        <translation>Заказы ({days} дн.)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Days of stock</source>
        <translation>Дней запаса</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>FBO stock</source>
        <translation>Остатки FBO</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>FBS stock</source>
        <translation>Остатки FBS</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>FBO: the marketplace&apos;s warehouse; FBS: the seller&apos;s own warehouse</source>
        <translation>FBO — склад маркетплейса; FBS — собственный склад продавца</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>In transit to customers</source>
        <translation>В пути к покупателям</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Returns in transit to the warehouse</source>
        <translation>Возвраты в пути на склад</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Units ordered in the window, cancelled orders excluded</source>
        <translation>Заказано штук за период, без отменённых заказов</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stock divided by the average daily orders; empty without orders</source>
        <translation>Остаток, делённый на средние заказы в день; пусто, если заказов не было</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Available to customers</source>
        <translation>Доступно к продаже</translation>
    </message>
</context>
<context>
    <name>StockView</name>
    <message>
        <location filename="../../ui/stock_view.py" line="+87"/>
        <source>Seller</source>
        <translation>Продавец</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The seller whose stock is shown</source>
        <translation>Продавец, чьи остатки показаны</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose a seller</source>
        <translation>Выберите продавца</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>&amp;Seller:</source>
        <translation>&amp;Продавец:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Refresh</source>
        <translation>Обновить</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reload the latest snapshot (F5)</source>
        <translation>Заново загрузить последний снимок (F5)</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Search by vendor code, name, product ID or warehouse</source>
        <translation>Поиск по артикулу продавца, наименованию, артикулу МП или складу</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Only low stock</source>
        <translation>Только малые остатки</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show only the rows at or below the low-stock threshold</source>
        <translation>Показать только строки, где запас на уровне порога или ниже</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>By warehouse</source>
        <translation>По складам</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>By product</source>
        <translation>По товарам</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>One row per product: FBO, FBS and total stock</source>
        <translation>Одна строка на товар: остатки FBO, FBS и всего</translation>
    </message>
    <message>
        <location line="+78"/>
        <source>Choose a seller above, or select one on the Sellers tab, to see its stock.</source>
        <translation>Выберите продавца в списке выше или на вкладке «Продавцы», чтобы увидеть его остатки.</translation>
    </message>
    <message>
        <location line="+139"/>
        <source>Snapshot of {taken} · orders {first}–{last} ({days} d, Moscow time) · {low_stock}</source>
        <translation>Снимок от {taken} · заказы {first}–{last} ({days} дн., по Москве) · {low_stock}</translation>
    </message>
    <message>
        <location line="-106"/>
        <source>Loading…</source>
        <translation>Загрузка…</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>{name} (archived)</source>
        <translation>{name} (в архиве)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>No sellers yet: add one on the Sellers tab.</source>
        <translation>Продавцов пока нет: добавьте их на вкладке «Продавцы».</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>No stock for {name} yet: sync this seller to see it.</source>
        <translation>Остатков «{name}» пока нет: синхронизируйте этого продавца.</translation>
    </message>
    <message numerus="yes">
        <location line="+33"/>
        <source>low stock at %1 day(s) or less</source>
        <translation>
            <numerusform>мало остатков при запасе на %1 день или меньше</numerusform>
            <numerusform>мало остатков при запасе на %1 дня или меньше</numerusform>
            <numerusform>мало остатков при запасе на %1 дней или меньше</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+70"/>
        <source>%1 of %Ln row(s)</source>
        <translation>
            <numerusform>%1 из %Ln строки</numerusform>
            <numerusform>%1 из %Ln строк</numerusform>
            <numerusform>%1 из %Ln строк</numerusform>
        </translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Total stock of {product} over past syncs</source>
        <translation>Остатки всего по синхронизациям: {product}</translation>
    </message>
</context>
<context>
    <name>SyncHistory</name>
    <message>
        <location filename="../../ui/history_model.py" line="-109"/>
        <source>Manual</source>
        <translation>Вручную</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Schedule</source>
        <translation>По расписанию</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Command line</source>
        <translation>Командная строка</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>{seconds} s</source>
        <translation>{seconds} с</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{m} min {s:02d} s</source>
        <translation>{m} мин {s:02d} с</translation>
    </message>
</context>
</TS>
