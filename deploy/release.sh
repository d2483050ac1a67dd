#!/bin/sh
# The one-shot step before web, worker and beat start (compose's `migrate`; the production run in
# .ci/run): apply the migrations, then give a new site the practice's starting content. seed_demo
# changes nothing on a site that has any content, so this never touches a site the front desk runs.
set -eu
python manage.py migrate --no-input
exec python manage.py seed_demo
