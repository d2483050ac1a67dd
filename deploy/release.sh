#!/bin/sh
# The one-shot step before web, worker and beat start (compose's `migrate`; the production run in
# .ci/run): apply the migrations, then give a new site the practice's starting content. seed_demo
# changes nothing on a site that has any content, so this never touches a site the front desk runs.
# The cached pages and fragments were rendered by the previous release's templates: start afresh.
set -eu
python manage.py migrate --no-input
python manage.py clear_page_cache
exec python manage.py seed_demo
