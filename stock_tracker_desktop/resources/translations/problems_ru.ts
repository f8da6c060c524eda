<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru_RU">
<context>
    <name>Problems</name>
    <message>
        <location filename="../../domain/problems.py" line="+128"/>
        <source>endpoint retired by the marketplace</source>
        <translation>маркетплейс отключил этот метод API</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{marketplace} refused {what} with 429 (too many requests) {count} times in a row; the next sync will try again</source>
        <translation>{marketplace} отклоняет запросы «{what}» с кодом 429 (слишком много запросов), отказов подряд: {count}; следующая синхронизация попробует снова</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{marketplace} asks to wait {wait} for {what}; the next sync will try again</source>
        <translation>{marketplace} просит подождать {wait}, прежде чем снова запрашивать «{what}»; следующая синхронизация попробует снова</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>the marketplace refused the request (HTTP {status}){detail}</source>
        <translation>маркетплейс отклонил запрос (HTTP {status}){detail}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the marketplace answered with a redirect to {host}</source>
        <translation>маркетплейс ответил перенаправлением на {host}</translation>
    </message>
    <message>
        <location line="-53"/>
        <source>{marketplace} refused the Client-Id and API key (HTTP {status}){detail}</source>
        <translation>{marketplace} не принял Client-Id и API-ключ (HTTP {status}){detail}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the marketplace refused the token (HTTP {status}){detail}</source>
        <translation>маркетплейс не принял токен (HTTP {status}){detail}</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>the marketplace failed with HTTP {status} (gave up after {attempts} attempts)</source>
        <translation>маркетплейс ответил ошибкой HTTP {status} (попыток: {attempts})</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the answer was cut off or is not JSON (gave up after {attempts} attempts)</source>
        <translation>ответ оборван или не является JSON (попыток: {attempts})</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the answer could not be decompressed (cut off or damaged) (gave up after {attempts} attempts)</source>
        <translation>ответ не удалось распаковать: он оборван или повреждён (попыток: {attempts})</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{marketplace} sent more than {megabytes} MB for one page of {what}, more than any real page holds; the answer was dropped and the next sync will ask again</source>
        <translation>{marketplace} прислал больше {megabytes} МБ на одну страницу «{what}» — больше, чем бывает на настоящей странице; ответ отброшен, следующая синхронизация запросит снова</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the marketplace did not finish its answer within {wait} (gave up after {attempts} attempts)</source>
        <translation>маркетплейс не успел передать ответ целиком за {wait} (попыток: {attempts})</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the marketplace did not answer in time (gave up after {attempts} attempts)</source>
        <translation>маркетплейс не ответил вовремя (попыток: {attempts})</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the connection failed ({detail}) (gave up after {attempts} attempts)</source>
        <translation>сбой соединения ({detail}; попыток: {attempts})</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>unexpected answer: field {field}: {detail}</source>
        <translation>ответ не соответствует документации: поле {field}: {detail}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>unexpected answer: field (the whole answer): {detail}</source>
        <translation>ответ целиком не соответствует документации: {detail}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>the marketplace answered with a redirect (HTTP {status})</source>
        <translation>маркетплейс ответил перенаправлением (HTTP {status})</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>has_next without a new cursor</source>
        <translation>маркетплейс сообщает, что данные ещё есть (has_next), но не даёт нового курсора</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the stock report was {detail} by Wildberries before it could be read</source>
        <translation>Wildberries закрыл отчёт об остатках раньше, чем его удалось прочитать (статус {detail})</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the stock report was not ready after {checks} checks</source>
        <translation>отчёт об остатках так и не был готов (проверок: {checks})</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{marketplace} credentials lack: {fields}</source>
        <translation>для {marketplace} не указаны: {fields}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the token expired on {date}; create a new one in the seller&apos;s cabinet (Settings &gt; API access)</source>
        <translation>срок действия токена истёк {date}; создайте новый в личном кабинете продавца (Настройки &gt; Доступ к API)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the token is not a JWT; copy the whole token from the seller&apos;s cabinet, Settings &gt; API access</source>
        <translation>это не токен WB (не JWT); скопируйте токен целиком в личном кабинете продавца, Настройки &gt; Доступ к API</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>token lacks the {category} category</source>
        <translation>у токена нет категории {category}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>sandbox token used on production: mark the tenant as sandbox or use a production token</source>
        <translation>токен песочницы используется в рабочей среде: отметьте продавца как песочницу или возьмите рабочий токен</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>production token used on the sandbox: clear the tenant&apos;s sandbox flag</source>
        <translation>рабочий токен используется в песочнице: снимите у продавца отметку «песочница»</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{marketplace} has no sandbox for the Seller API</source>
        <translation>у {marketplace} нет песочницы для Seller API</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Wildberries has no sandbox for stock on WB warehouses (FBO); only the seller&apos;s own warehouses (FBS) were read</source>
        <translation>у Wildberries нет песочницы для остатков на складах WB (FBO); прочитаны только собственные склады продавца (FBS)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Wildberries has no sandbox for the {category} category</source>
        <translation>у Wildberries нет песочницы для категории {category}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Wildberries has no sandbox for the seller&apos;s name</source>
        <translation>у Wildberries нет песочницы для названия продавца</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>did not finish within {wait} and was stopped; the previous snapshot was kept and the next sync will try again</source>
        <translation>не завершилась за {wait} и была остановлена; предыдущий снимок сохранён, следующая синхронизация попробует снова</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>cancelled; the previous snapshot was kept</source>
        <translation>отменено; предыдущий снимок сохранён</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>cancelled during the exports; the snapshot was saved</source>
        <translation>отменено во время выгрузок; снимок сохранён</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the snapshot was saved, but an export failed: {detail}</source>
        <translation>снимок сохранён, но выгрузка не удалась: {detail}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>a local file or disk error: {detail}</source>
        <translation>ошибка локального файла или диска: {detail}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>unexpected error ({kind}): {detail}</source>
        <translation>непредвиденная ошибка ({kind}): {detail}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the name is empty; give the seller a name the team recognises</source>
        <translation>название пустое; дайте продавцу название, понятное команде</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the name is longer than {limit} characters</source>
        <translation>название длиннее {limit} символов</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>a tenant named {name} already exists</source>
        <translation>продавец с названием {name} уже есть</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>a tenant named {name} already exists (archived; `tenants unarchive` brings it back)</source>
        <translation>продавец с названием {name} уже есть (в архиве; его можно вернуть из архива)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{what} is not valid UTF-8 text; type it again</source>
        <translation>{what} — не текст в UTF-8; введите заново</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>your plan ({plan}) manages {limit} sellers; archive one or upgrade (license status)</source>
        <translation>лимит продавцов вашего тарифа ({plan}) — {limit}; отправьте одного в архив или перейдите на тариф побольше (Настройки &gt; Лицензия)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>paused: your plan ({plan}) syncs {limit} sellers and this one is beyond them; its figures stay and export as before. Archive another seller or take one out of &quot;Sync all&quot;, or upgrade</source>
        <translation>приостановлен: лимит продавцов вашего тарифа ({plan}) — {limit}, и этот продавец сверх него; его данные остаются и выгружаются как прежде. Отправьте другого продавца в архив или исключите одного из «Синхр. всех», либо перейдите на тариф побольше</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>scheduled syncs are not on your plan ({plan}); sync by hand or upgrade</source>
        <translation>синхронизации по расписанию нет в вашем тарифе ({plan}); синхронизируйте вручную или перейдите на тариф побольше</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Google Sheets exports are not on your plan ({plan}); export to CSV or XLSX, or upgrade</source>
        <translation>выгрузки в Google Sheets нет в вашем тарифе ({plan}); выгружайте в CSV или XLSX либо перейдите на тариф побольше</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>team mode is not on your plan ({plan}); every seller stays on this desktop. Upgrade to share them with the team</source>
        <translation>командной работы нет в вашем тарифе ({plan}); все продавцы остаются на этом компьютере. Перейдите на тариф побольше, чтобы делиться ими с командой</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{what} holds control characters (such as terminal escape codes); type it as plain text</source>
        <translation>{what} содержит управляющие символы (например, коды терминала); введите обычным текстом</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{what} holds a text-direction control (such as U+202E), which makes it show differently from how it reads; remove it</source>
        <translation>{what} содержит знак смены направления текста (например, U+202E), из-за которого текст отображается не так, как читается; уберите его</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{what} has only invisible characters; give a name the team can read</source>
        <translation>{what} состоит только из невидимых символов; дайте название, которое можно прочитать</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the notes are not valid UTF-8 text; type them again</source>
        <translation>заметки — не текст в UTF-8; введите их заново</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the WB token is empty</source>
        <translation>токен WB пустой</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the WB token holds characters no token has; copy it again</source>
        <translation>в токене WB есть символы, которых в токенах не бывает; скопируйте его заново</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>this is a sandbox token; mark the tenant as sandbox (--sandbox)</source>
        <translation>это токен песочницы; отметьте продавца как песочницу</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>this is a production token; do not mark the tenant as sandbox</source>
        <translation>это рабочий токен; не отмечайте продавца как песочницу</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the token expired on {date}; create a new one in the seller&apos;s cabinet (Settings &gt; API access) before the next sync</source>
        <translation>срок токена истёк {date}; до следующей синхронизации создайте новый в кабинете продавца (Настройки &gt; Доступ к API)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the token lacks the categories {categories}; syncs will fail for what they cover until a token with them is used</source>
        <translation>у токена нет категорий {categories}; синхронизация того, что к ним относится, не пройдёт, пока не будет токена с ними</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the Ozon Client-Id is a number (Seller cabinet &gt; Settings &gt; API keys)</source>
        <translation>Client-Id Ozon — это число (кабинет продавца &gt; Настройки &gt; API-ключи)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the Ozon API key should look like 1a2b3c4d-…; copy it again in full</source>
        <translation>API-ключ Ozon выглядит как 1a2b3c4d-…; скопируйте его заново целиком</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Ozon has no sandbox; leave it off</source>
        <translation>у Ozon нет песочницы; не отмечайте её</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the service-account key is not JSON</source>
        <translation>ключ сервисного аккаунта — не JSON</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the service-account key is not a JSON object</source>
        <translation>ключ сервисного аккаунта — не JSON-объект</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the service-account key lacks {fields}; download a new JSON key from Google Cloud (IAM &gt; Service accounts &gt; Keys)</source>
        <translation>в ключе сервисного аккаунта нет {fields}; скачайте новый JSON-ключ в Google Cloud (IAM &gt; Сервисные аккаунты &gt; Ключи)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the JSON is not a service-account key</source>
        <translation>этот JSON — не ключ сервисного аккаунта</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>schedule mode must be one of {modes}</source>
        <translation>режим расписания должен быть одним из: {modes}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the interval must be between 15 minutes and 7 days</source>
        <translation>интервал должен быть от 15 минут до 7 дней</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>a daily schedule needs at least one time, e.g. 06:00</source>
        <translation>ежедневному расписанию нужно хотя бы одно время, например 06:00</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>times must look like 06:00 or 18:30, not {time}</source>
        <translation>время записывается как 06:00 или 18:30, а не {time}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>unknown time zone {zone}; use a name like Europe/Moscow</source>
        <translation>неизвестный часовой пояс {zone}; укажите название вроде Europe/Moscow</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>a schedule is &apos;off&apos; or an object with a mode</source>
        <translation>расписание — это «off» или объект с режимом</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>system keyring ({detail})</source>
        <translation>системное хранилище ключей ({detail})</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>system keyring (unknown backend)</source>
        <translation>системное хранилище ключей (тип неизвестен)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>passphrase (scrypt) in vault.json</source>
        <translation>мастер-пароль (scrypt) в файле vault.json</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>products</source>
        <translation>товары</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>stock</source>
        <translation>остатки</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>orders</source>
        <translation>заказы</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>warehouses</source>
        <translation>склады</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the key&apos;s roles and expiry</source>
        <translation>роли и срок действия ключа</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the seller&apos;s name</source>
        <translation>название продавца</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the token check</source>
        <translation>проверка токена</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the name</source>
        <translation>название</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the tag {tag}</source>
        <translation>метка {tag}</translation>
    </message>
</context>
</TS>
