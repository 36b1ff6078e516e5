<?php
// catalog.php — bench reference: GET /catalog's two queries (page 1) with php-fpm + PDO.
// Same SQL text as app/db/catalog.c, real server-side prepares (no emulation), a persistent
// connection per php-fpm worker; the environment gives DITTO_DB_SOCKET and DITTO_DB_PASSWORD.
declare(strict_types=1);

const SQL_CATEGORY_LIST =
    'SELECT c.id, c.slug, c.name, COALESCE(n.cnt, 0) FROM categories c '
    . 'LEFT JOIN (SELECT category_id, COUNT(*) AS cnt FROM products WHERE active = 1 '
    . 'GROUP BY category_id) n ON n.category_id = c.id ORDER BY c.name';
const SQL_PRODUCT_LIST_ALL =
    'SELECT p.id, p.category_id, c.slug, c.name, p.sku, p.name, p.price_cents, p.stock '
    . 'FROM products p JOIN categories c ON c.id = p.category_id '
    . 'WHERE p.active = 1 ORDER BY p.id DESC LIMIT ? OFFSET ?';

function h(string $s): string
{
    return htmlspecialchars($s, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8');
}

try {
    $db = new PDO(
        'mysql:unix_socket=' . getenv('DITTO_DB_SOCKET') . ';dbname=ditto;charset=utf8mb4',
        'ditto_web',
        (string)getenv('DITTO_DB_PASSWORD'),
        [
            PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION,
            PDO::ATTR_EMULATE_PREPARES => false,
            PDO::ATTR_PERSISTENT => true,
        ]
    );
    $out = "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        . "<title>Catalogue</title>\n</head>\n<body>\n<h1>Catalogue</h1>\n"
        . "<nav class=\"categories\">\n<a href=\"/catalog\">All</a>\n";
    $st = $db->prepare(SQL_CATEGORY_LIST);
    $st->execute();
    $total = 0; // page 1 of all categories: the sum of the category counts
    while (($c = $st->fetch(PDO::FETCH_NUM)) !== false) {
        $total += (int)$c[3];
        $out .= '<a href="/catalog?category=' . h($c[1]) . '">' . h($c[2]) . "</a>\n";
    }
    $out .= "</nav>\n<ul class=\"products\">\n";
    $st = $db->prepare(SQL_PRODUCT_LIST_ALL);
    $st->bindValue(1, 24, PDO::PARAM_INT);
    $st->bindValue(2, 0, PDO::PARAM_INT);
    $st->execute();
    while (($p = $st->fetch(PDO::FETCH_NUM)) !== false) {
        $cents = (int)$p[6];
        $out .= '<li><a href="/product/' . (int)$p[0] . '">' . h($p[5]) . '</a> <span class="cat">'
            . h($p[3]) . '</span> <span class="price">€' . intdiv($cents, 100) . '.'
            . sprintf('%02d', $cents % 100)
            . ((int)$p[7] > 0 ? "</span></li>\n" : "</span> sold out</li>\n");
    }
    $st = null;
    $out .= "</ul>\n<p class=\"meta\">" . $total . " products.</p>\n</body>\n</html>\n";
} catch (PDOException $e) {
    error_log('catalog.php: ' . $e->getMessage());
    http_response_code(500);
    header('Content-Type: text/plain');
    echo "error\n";
    exit;
}
header('Content-Type: text/html; charset=utf-8');
header('Cache-Control: no-cache');
header('Content-Length: ' . strlen($out));
echo $out;
