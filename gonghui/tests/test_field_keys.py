"""Field keys (issue 17 §7): SM4-GCM/HMAC-SM3 or AES-GCM/HMAC-SHA256 by setting, and
``gonghui keys rotate`` while workers are read and written in another thread."""

import base64
import io
import os
import random
import threading

import pytest
from cryptography.exceptions import InvalidTag
from django.core.management import call_command

from gonghui.core.crypto import (
    blind_index,
    blind_indexes,
    decrypt,
    encrypt,
    encrypt_many,
    is_current,
)
from gonghui.core.rotation import sealed_models, stale_count
from gonghui.members.generate import make_id
from gonghui.members.models import Worker
from gonghui.members.selectors import worker_by_id_number, worker_for
from gonghui.members.services import prepare_worker, save_worker
from gonghui.members.validation import ID_PURPOSE, PHONE_PURPOSE
from gonghui.orgs.selectors import org_refs_visible_to

OLD = base64.b64encode(b"o" * 32).decode()
NEW = base64.b64encode(os.urandom(32)).decode()


@pytest.mark.parametrize("algorithm, code", [("aes", 1), ("sm", 2)])
def test_each_algorithm_seals_opens_and_indexes(settings, algorithm, code):
    settings.FIELD_KEYS, settings.CRYPTO = [OLD], algorithm
    blob = encrypt("41170219670330113X", purpose="p")
    assert blob[0] == code and is_current(blob)
    assert decrypt(blob, purpose="p") == "41170219670330113X"
    assert [decrypt(b, purpose="p") for b in encrypt_many(["a", "b"], purpose="p")] == ["a", "b"]
    with pytest.raises(InvalidTag):
        decrypt(blob, purpose="other")  # the purpose is bound
    assert blind_indexes(["x", "y"], purpose="p") == [
        blind_index("x", purpose="p"),
        blind_index("y", purpose="p"),
    ]


def test_sm_and_aes_differ_and_sm_matches_the_standard_primitives(settings):
    from cryptography.hazmat.primitives import hashes, hmac
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    from gonghui.core.crypto import field_key

    settings.FIELD_KEYS, settings.CRYPTO = [OLD], "sm"
    key = field_key(OLD, "sm")
    blob = encrypt("数据", purpose="p")
    nonce, body, tag = blob[5:17], blob[17:-16], blob[-16:]
    opener = Cipher(algorithms.SM4(key.enc), modes.GCM(nonce, tag)).decryptor()
    opener.authenticate_additional_data(b"p")
    assert (opener.update(body) + opener.finalize()).decode() == "数据"
    mac = hmac.HMAC(key.idx, hashes.SM3())
    mac.update(b"p:x")
    sm_index = blind_index("x", purpose="p")
    assert sm_index == mac.finalize().hex()
    settings.CRYPTO = "aes"
    assert blind_index("x", purpose="p") != sm_index
    assert decrypt(blob, purpose="p") == "数据"  # the header names SM4: still readable


def test_a_headerless_ciphertext_of_before_the_ring_is_read(settings):
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from gonghui.core.crypto import field_key

    settings.FIELD_KEYS, settings.CRYPTO = [NEW, OLD], "aes"
    nonce = os.urandom(12)
    legacy = nonce + AESGCM(field_key(OLD, "aes").enc).encrypt(nonce, b"13800138000", b"p")
    assert decrypt(legacy, purpose="p") == "13800138000" and not is_current(legacy)


def _save(by, refs, number: str, phone: str) -> Worker:
    prepared, errors = prepare_worker(
        name="轮换",
        id_number=number,
        phone=phone,
        org_code="411702",
        employer_name="",
        uscc="",
        categories="环卫工人",
        joined_on="",
        refs=refs,
    )
    assert not errors, errors
    return save_worker(by=by, prepared=prepared, refs=refs)


@pytest.fixture
def on_the_old_key(settings):
    """The ring before the rotation; listed before the fixtures that write, so that the
    audit events they log are hashed under it too."""
    settings.FIELD_KEYS, settings.CRYPTO = [OLD], "aes"


@pytest.mark.parametrize("to", ["aes", "sm"])
@pytest.mark.django_db(transaction=True)
def test_rotation_while_workers_are_read_and_written(
    on_the_old_key, settings, file_database, province_admin, to
):
    refs = org_refs_visible_to(province_admin)
    rng = random.Random(71)
    numbers = [make_id(rng, "411702") for _ in range(60)]
    workers = {n: _save(province_admin, refs, n, "13800138000").pk for n in numbers}

    settings.FIELD_KEYS, settings.CRYPTO = [NEW, OLD], to
    errors: list[BaseException] = []
    stop = threading.Event()
    operations = [0]

    def traffic() -> None:
        from django.db import connection

        local = random.Random(3)
        try:
            while not stop.is_set():
                number = local.choice(numbers)
                worker = worker_for(province_admin, workers[number])
                assert decrypt(worker.id_cipher, purpose=ID_PURPOSE) == number
                assert worker_by_id_number(number, within_path="410000").pk == worker.pk
                _save(province_admin, refs, number, f"139{local.randrange(10**8):08d}")
                fresh = make_id(local, "411702")
                if fresh not in workers:
                    workers[fresh] = _save(province_admin, refs, fresh, "13700137000").pk
                    numbers.append(fresh)
                operations[0] += 1
        except BaseException as exc:  # reported by the test below
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=traffic)
    thread.start()
    out = io.StringIO()
    try:
        call_command("keys", "rotate", "--batch", "7", stdout=out)
    finally:
        stop.set()
        thread.join()
    assert errors == []
    assert operations[0] > 0
    call_command("keys", "rotate", stdout=out)  # catches what the last writes left, if any

    settings.FIELD_KEYS = [NEW]  # the old key is gone: everything must open without it
    for model, sealed in sealed_models():
        assert stale_count(model, sealed) == 0, model
    assert Worker.objects.count() == len(workers)
    for number, pk in workers.items():
        worker = Worker.objects.get(pk=pk)
        assert decrypt(worker.id_cipher, purpose=ID_PURPOSE) == number
        assert decrypt(worker.phone_cipher, purpose=PHONE_PURPOSE).startswith("13")
        assert worker_by_id_number(number, within_path="410000").pk == pk
    again = io.StringIO()
    call_command("keys", "rotate", stdout=again)
    assert "Worker: 已用新密钥重新加密 0 行" in again.getvalue()  # idempotent


def test_api_tokens_issued_before_a_rotation_keep_working_during_it(settings, province_admin):
    from gonghui.accounts.selectors import user_for_api_token
    from gonghui.accounts.services import issue_api_token

    settings.FIELD_KEYS, settings.CRYPTO = [OLD], "aes"
    before = issue_api_token(user=province_admin, name="before")
    settings.FIELD_KEYS, settings.CRYPTO = [NEW, OLD], "sm"
    during = issue_api_token(user=province_admin, name="during")
    assert user_for_api_token(before) == province_admin == user_for_api_token(during)
    settings.FIELD_KEYS = [NEW]
    assert user_for_api_token(before) is None  # reissued once the old key leaves the ring
    assert user_for_api_token(during) == province_admin


@pytest.mark.django_db(transaction=True)
def test_rotation_re_encrypts_uploaded_files_so_they_open_without_the_old_key(
    settings, file_database, tmp_path
):
    from gonghui.core.rotation import stale_files, upload_models
    from gonghui.core.uploads import read_upload, reseal_upload
    from gonghui.tests.scope_world import PDF, PNG, build_world

    settings.UPLOAD_DIR = tmp_path / "uploads"
    settings.FIELD_KEYS, settings.CRYPTO = [OLD], "aes"
    world = build_world()
    uploads = {world.station_photo: PNG, world.event_photo: PNG, world.document: PDF}
    assert {type(u) for u in uploads} == set(upload_models())

    settings.FIELD_KEYS, settings.CRYPTO = [NEW, OLD], "sm"
    status = io.StringIO()
    call_command("keys", "status", stdout=status)
    for model in upload_models():
        assert f"{model._meta.label}: 待轮换 1 个文件" in status.getvalue()
    # A run that stopped after one file: that one is current, the others still open.
    first = next(iter(uploads))
    assert reseal_upload(first.stored_as, purpose=first.PURPOSE)
    assert sum(stale_files(model) for model in upload_models()) == 2
    out = io.StringIO()
    call_command("keys", "rotate", stdout=out)
    assert out.getvalue().count("已用新密钥重新加密 1 个文件") == 2
    assert not list(settings.UPLOAD_DIR.rglob("*.tmp"))  # nothing left beside the files

    settings.FIELD_KEYS = [NEW]  # the old key is gone: every document still opens
    for upload, data in uploads.items():
        assert read_upload(upload.stored_as, purpose=upload.PURPOSE) == data
        mode = (settings.UPLOAD_DIR / upload.stored_as).stat().st_mode & 0o777
        assert mode == 0o600
    again = io.StringIO()
    call_command("keys", "rotate", stdout=again)
    assert again.getvalue().count("已用新密钥重新加密 0 个文件") == 3  # idempotent
