# SmtpclassInstall.cmake: what `cmake --install` adds beyond the targets,
# headers and man pages listed in CMakeLists.txt (included from there), and
# the Debian package built by CPack.
#
#   cmake --install build/release --prefix /opt/smtpclass
#   cd build/release && cpack -G DEB     # configure with -DCMAKE_INSTALL_PREFIX=/usr
#
# tests/install/ checks all of it from a fresh prefix and from the .deb.

include(CMakePackageConfigHelpers)

# --- pkg-config ----------------------------------------------------------------
# smtpclass.pc is written at install time from smtpclass.pc.in, so that its
# paths name the prefix really installed to (cmake --install --prefix, or
# CPack's /usr), not the one configured.
foreach(dir LIBDIR INCLUDEDIR)
    if(IS_ABSOLUTE "${CMAKE_INSTALL_${dir}}")
        set(smtpclass_pc_${dir} "${CMAKE_INSTALL_${dir}}")
    else()
        set(smtpclass_pc_${dir} "\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_${dir}}")
    endif()
endforeach()
install(CODE "
    set(CMAKE_INSTALL_FULL_LIBDIR \"${smtpclass_pc_LIBDIR}\")
    set(CMAKE_INSTALL_FULL_INCLUDEDIR \"${smtpclass_pc_INCLUDEDIR}\")
    set(PROJECT_DESCRIPTION \"${PROJECT_DESCRIPTION}\")
    set(PROJECT_VERSION \"${PROJECT_VERSION}\")
    configure_file(\"${PROJECT_SOURCE_DIR}/smtpclass.pc.in\"
                   \"${PROJECT_BINARY_DIR}/install/smtpclass.pc\" @ONLY)")
install(FILES ${PROJECT_BINARY_DIR}/install/smtpclass.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# --- CMake package: find_package(smtpclass) -------------------------------------
set(SMTPCLASS_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/smtpclass)
install(EXPORT smtpclassTargets NAMESPACE smtpclass:: DESTINATION ${SMTPCLASS_CMAKE_DIR})
configure_package_config_file(cmake/smtpclassConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/smtpclassConfig.cmake
                              INSTALL_DESTINATION ${SMTPCLASS_CMAKE_DIR})
# Before 1.0 a new minor version may change the API: only the same minor matches.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/smtpclassConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/smtpclassConfig.cmake
              ${PROJECT_BINARY_DIR}/smtpclassConfigVersion.cmake
        DESTINATION ${SMTPCLASS_CMAKE_DIR})

# --- site rules ------------------------------------------------------------------
# The directory smtpclass reads by default, with a commented example (a
# conffile in the Debian package).  For the /usr prefix GNUInstallDirs puts
# it in /etc; for any other prefix under PREFIX/etc, following --prefix.
if(IS_ABSOLUTE "${CMAKE_INSTALL_SYSCONFDIR}" OR CMAKE_INSTALL_PREFIX STREQUAL "/usr")
    set(smtpclass_rules_destination ${CMAKE_INSTALL_FULL_SYSCONFDIR}/smtpclass/rules.d)
else()
    set(smtpclass_rules_destination ${CMAKE_INSTALL_SYSCONFDIR}/smtpclass/rules.d)
endif()
install(FILES etc/rules.d/example.rules DESTINATION ${smtpclass_rules_destination})

# --- shell completions -------------------------------------------------------------
# bash-completion finds completions/NAME under each XDG data directory
# (/usr/local/share and /usr/share by default).  zsh on Debian reads
# vendor-completions for packages in /usr and site-functions under /usr/local.
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
    set(smtpclass_zsh_default ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
else()
    set(smtpclass_zsh_default ${CMAKE_INSTALL_DATADIR}/zsh/site-functions)
endif()
set(SMTPCLASS_BASH_COMPLETION_DIR ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
    CACHE STRING "Where the bash completion is installed")
set(SMTPCLASS_ZSH_COMPLETION_DIR ${smtpclass_zsh_default}
    CACHE STRING "Where the zsh completion is installed")
install(FILES completions/smtpclass.bash DESTINATION ${SMTPCLASS_BASH_COMPLETION_DIR}
        RENAME smtpclass)
install(FILES completions/_smtpclass DESTINATION ${SMTPCLASS_ZSH_COMPLETION_DIR})

# --- Debian package (cpack -G DEB) ------------------------------------------------
set(CPACK_PACKAGE_NAME smtpclass)
set(CPACK_PACKAGE_VENDOR smtpclass)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
    "smtpclass splits SMTP replies and MTA log lines into their basic and enhanced
status codes and says what they mean: a verdict (success, soft, hard), a reason
and an action.  This package holds the command, libsmtpclass (shared and
static), its header, pkg-config and CMake files, man pages and shell
completions.")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION mail)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "smtpclass developers <smtpclass@localhost>")
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
find_program(SMTPCLASS_DPKG_SHLIBDEPS dpkg-shlibdeps)
mark_as_advanced(SMTPCLASS_DPKG_SHLIBDEPS)
if(SMTPCLASS_DPKG_SHLIBDEPS)
    set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
    # Without dpkg-dev: the C library is the only dependency (glibc 2.34 moved
    # libpthread and friends into libc; Debian 12 has 2.36).
    set(CPACK_DEBIAN_PACKAGE_DEPENDS "libc6 (>= 2.34)")
endif()
set(CPACK_GENERATOR TGZ)
find_program(SMTPCLASS_DPKG dpkg)
mark_as_advanced(SMTPCLASS_DPKG)
if(SMTPCLASS_DPKG)
    list(APPEND CPACK_GENERATOR DEB)
endif()
include(CPack)
