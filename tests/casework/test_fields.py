"""Personal data encrypted at rest (spec §12, §14): the column holds ciphertext, keys rotate, a wrong key fails
loudly, and lookups go through the keyed hash."""
import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.db import connection
from django.test import override_settings

from casework.fields import PIIDecryptionError, decrypt_str, encrypt_str, pii_hash
from casework.models import ComplaintDraft, Person
from tests.factories import VALID_ID

pytestmark = pytest.mark.django_db

NAME, PHONE, ADDRESS = "扎西次仁", "13812341234", "拉萨市城关区北京中路1号"


def _person():
    return Person.objects.create(name=NAME, id_number=VALID_ID, id_number_hash=pii_hash(VALID_ID), phone=PHONE,
                                 phone_hash=pii_hash(PHONE), address=ADDRESS)


def _raw(table, column, pk):
    with connection.cursor() as cur:
        cur.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cur.fetchone()[0]


def test_columns_hold_ciphertext_not_plaintext():
    p = _person()
    for column, plain in (("name", NAME), ("id_number", VALID_ID), ("phone", PHONE), ("address", ADDRESS)):
        stored = _raw("casework_person", column, p.pk)
        assert stored.startswith("enc1:")
        assert plain not in stored
    # the same value encrypts differently each time (no equality leak between rows)
    q = _person()
    assert _raw("casework_person", "id_number", p.pk) != _raw("casework_person", "id_number", q.pk)


def test_round_trip_through_the_orm():
    p = Person.objects.get(pk=_person().pk)
    assert (p.name, p.id_number, p.phone, p.address) == (NAME, VALID_ID, PHONE, ADDRESS)


def test_empty_values_stay_empty():
    p = Person.objects.create(name="")
    assert _raw("casework_person", "name", p.pk) == ""
    assert Person.objects.get(pk=p.pk).phone == ""


def test_draft_data_is_encrypted_too():
    from django.utils import timezone

    d = ComplaintDraft.objects.create(data='{"name": "扎西"}', expires_at=timezone.now())
    stored = _raw("casework_complaintdraft", "data", d.pk)
    assert stored.startswith("enc1:") and "扎西" not in stored
    assert ComplaintDraft.objects.get(pk=d.pk).data == '{"name": "扎西"}'


def test_rotated_key_list_reads_old_rows_and_writes_with_the_new_key():
    old_keys = list(settings.FIELD_ENCRYPTION_KEYS)
    p = _person()
    new_key = Fernet.generate_key().decode()
    with override_settings(FIELD_ENCRYPTION_KEYS=[new_key, *old_keys]):
        assert Person.objects.get(pk=p.pk).name == NAME  # old row, old key second in the list
        p2 = Person.objects.get(pk=p.pk)
        p2.name = "次仁"
        p2.save()
    # the rewritten value is readable with the new key alone, and no longer with the old key alone
    with override_settings(FIELD_ENCRYPTION_KEYS=[new_key]):
        assert Person.objects.get(pk=p.pk).name == "次仁"
    with override_settings(FIELD_ENCRYPTION_KEYS=old_keys):
        with pytest.raises(PIIDecryptionError):
            Person.objects.get(pk=p.pk)


def test_wrong_key_raises_instead_of_returning_ciphertext():
    p = _person()
    with override_settings(FIELD_ENCRYPTION_KEYS=[Fernet.generate_key().decode()]):
        with pytest.raises(PIIDecryptionError):
            Person.objects.get(pk=p.pk)
        with pytest.raises(PIIDecryptionError):
            list(Person.objects.values_list("phone", flat=True))
    assert Person.objects.get(pk=p.pk).phone == PHONE  # the right key still works afterwards


def test_value_not_in_encrypted_format_raises():
    p = _person()
    with connection.cursor() as cur:
        cur.execute("UPDATE casework_person SET phone = %s WHERE id = %s", ["13812341234", p.pk])
    with pytest.raises(PIIDecryptionError):
        Person.objects.get(pk=p.pk)


def test_encrypt_decrypt_helpers():
    token = encrypt_str("拉萨")
    assert token.startswith("enc1:") and decrypt_str(token) == "拉萨"
    with pytest.raises(PIIDecryptionError):
        decrypt_str("enc1:not-a-token")


def test_hash_lookups_find_the_person():
    p = _person()
    Person.objects.create(name="其他人", id_number_hash=pii_hash("11010519491231002X"))
    assert Person.objects.get(id_number_hash=pii_hash(VALID_ID)) == p
    assert Person.objects.get(phone_hash=pii_hash(PHONE)) == p
    assert not Person.objects.filter(id_number_hash=pii_hash("540102199001011230")).exists()


def test_hash_is_keyed_and_deterministic():
    h = pii_hash(VALID_ID)
    assert h == pii_hash(VALID_ID) and len(h) == 64 and VALID_ID not in h
    import hashlib

    assert h != hashlib.sha256(VALID_ID.encode()).hexdigest()  # not a plain hash: needs the secret key
    with override_settings(PII_HASH_KEY="another-key"):
        assert pii_hash(VALID_ID) != h


def test_str_does_not_show_personal_data():
    p = _person()
    assert NAME not in str(p) and VALID_ID not in str(p)
