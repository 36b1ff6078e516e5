<?php
// items.php — bench reference: the bare page's two statements on its own table, php-fpm + PDO.
// The same statements and page as ref_items.c (one item by primary key, a page of 20 items by
// primary key), real server-side prepares (no emulation), a persistent connection per php-fpm
// worker, opcache on; the environment gives BENCH_DB_SOCKET and BENCH_DB_PASSWORD.
declare(strict_types=1);

const SQL_ITEM_GET = 'SELECT id, name, price_cents, stock FROM items WHERE id = ?';
const SQL_ITEM_PAGE =
    'SELECT id, name, price_cents, stock FROM items WHERE id > ? ORDER BY id LIMIT 20';
const ITEMS = 1000; // rows scripts/bench puts in dittobench.items
const PAGE = 20;

function h(string $s): string
{
    return htmlspecialchars($s, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8');
}

function price(int $cents): string
{
    return '€' . intdiv($cents, 100) . '.' . sprintf('%02d', $cents % 100);
}

try {
    $db = new PDO(
        'mysql:unix_socket=' . getenv('BENCH_DB_SOCKET') . ';dbname=dittobench;charset=utf8mb4',
        'dittobench',
        (string)getenv('BENCH_DB_PASSWORD'),
        [
            PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION,
            PDO::ATTR_EMULATE_PREPARES => false,
            PDO::ATTR_PERSISTENT => true,
        ]
    );
    $out = "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        . "<title>Items</title>\n</head>\n<body>\n<h1>Items</h1>\n";
    $st = $db->prepare(SQL_ITEM_GET);
    $st->bindValue(1, random_int(1, ITEMS), PDO::PARAM_INT);
    $st->execute();
    $item = $st->fetch(PDO::FETCH_NUM);
    if ($item === false) {
        throw new PDOException('no such item');
    }
    $st->closeCursor();
    $out .= '<section class="featured"><h2>' . h($item[1]) . '</h2> <span class="price">'
        . price((int)$item[2])
        . ((int)$item[3] > 0 ? "</span></section>\n" : "</span> sold out</section>\n");
    $out .= "<ul class=\"items\">\n";
    $st = $db->prepare(SQL_ITEM_PAGE);
    $st->bindValue(1, random_int(0, ITEMS - PAGE), PDO::PARAM_INT);
    $st->execute();
    while (($p = $st->fetch(PDO::FETCH_NUM)) !== false) {
        $out .= '<li><a href="/item/' . (int)$p[0] . '">' . h($p[1])
            . '</a> <span class="price">' . price((int)$p[2])
            . ((int)$p[3] > 0 ? "</span></li>\n" : "</span> sold out</li>\n");
    }
    $st = null;
    $out .= "</ul>\n</body>\n</html>\n";
} catch (PDOException $e) {
    error_log('items.php: ' . $e->getMessage());
    http_response_code(500);
    header('Content-Type: text/plain');
    echo "error\n";
    exit;
}
header('Content-Type: text/html; charset=utf-8');
header('Cache-Control: no-cache');
header('Content-Length: ' . strlen($out));
echo $out;
