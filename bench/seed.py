#!/usr/bin/env python3
"""Seeds a replybox through its public API, one comment after another on one keep-alive
connection, and reports the sequential write rate. The dataset: 200 pages; /big/ has 1,000
comments (about a third of them replies, nested), the other 199 pages about 10 each."""
import http.client
import json
import random
import sys
import time

host, port, site, origin = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
random.seed(7)
conn = http.client.HTTPConnection(host, port)
headers = {"Content-Type": "application/json", "Origin": origin}
WORDS = "the a comment thoughtful reply agree disagree post blog nice thanks reading markdown **bold** _em_ `code` link".split()


def post(uri, parent, n):
    body = " ".join(random.choice(WORDS) for _ in range(random.randint(8, 40)))
    payload = {"site": site, "uri": uri, "title": f"Page {uri}", "parent": parent,
               "body": f"Comment {n}: {body}", "author": {"name": f"Reader {n % 97}", "email": f"r{n % 97}@example.org"}}
    conn.request("POST", "/api/comments", body=json.dumps(payload), headers=headers)
    response = conn.getresponse()
    data = response.read()
    if response.status != 201:
        sys.exit(f"seed failed: {response.status} {data[:200]!r}")
    return json.loads(data)["comment"]["id"]


started = time.perf_counter()
n = 0
ids = []
for i in range(1000):
    parent = random.choice(ids) if ids and random.random() < 0.35 else None
    ids.append(post("/big/", parent, n))
    n += 1
for page in range(199):
    page_ids = []
    for i in range(random.randint(8, 12)):
        parent = random.choice(page_ids) if page_ids and random.random() < 0.3 else None
        page_ids.append(post(f"/post-{page}/", parent, n))
        n += 1
elapsed = time.perf_counter() - started
print(f"seeded {n} comments on 200 pages in {elapsed:.1f}s: {n / elapsed:.0f} sequential comments/s (python client, keep-alive)")
