from django.contrib.auth.hashers import Argon2PasswordHasher


class ChuxinArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with OWASP's memory-light parameters (19 MiB, 2 passes).

    Django's default takes 100 MiB per login; a small intranet server with a few people logging in at once
    would spend most of its memory on hashing. Hashes made with other parameters are upgraded at next login.
    """

    time_cost = 2
    memory_cost = 19 * 1024
    parallelism = 1
